package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/** How many distinct rules, macros and lists a rules file defines (appends and overrides not counted). */
public record FileInventory(String name, int rules, int macros, int lists) {
    public FileInventory {
        requireNonNull(name, "name is null");
    }
}
