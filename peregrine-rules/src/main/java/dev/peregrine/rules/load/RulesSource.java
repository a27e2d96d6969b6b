package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/** A rules file to load: its name (as reported in results) and its text. */
public record RulesSource(String name, String content) {
    public RulesSource {
        requireNonNull(name, "name is null");
        requireNonNull(content, "content is null");
    }
}
