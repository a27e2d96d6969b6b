package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/** One step of a problem's context: the kind and name of an item and where it starts. */
public record Location(ItemType itemType, String itemName, Position position) {
    public Location {
        requireNonNull(itemType, "itemType is null");
        requireNonNull(itemName, "itemName is null");
        requireNonNull(position, "position is null");
    }
}
