package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/**
 * Where a location is: the content name (a file name, or a quoted condition prefix for locations inside a
 * condition), and the 0-based line, column and character offset, as Falco reports them (yaml-cpp marks are 0-based).
 */
public record Position(String name, int line, int column, int offset) {
    public Position {
        requireNonNull(name, "name is null");
    }
}
