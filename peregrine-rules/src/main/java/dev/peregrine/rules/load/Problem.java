package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An error or warning found while loading rules: a {@link LoadCode}, Falco's message, the chain of locations from
 * the whole file down to the offending item, and a snippet (the offending line with a {@code ^} marker under the
 * position, as Falco prints it).
 *
 * @param deprecatedField for a {@link LoadCode#LOAD_DEPRECATED_ITEM} warning about a field ({@code evt.dir},
 *     {@code evt.latency}, ...), that field; null otherwise
 */
public record Problem(LoadCode code, String message, List<Location> locations, String snippet,
        String deprecatedField) {
    /** A problem not about a deprecated field. */
    public Problem(LoadCode code, String message, List<Location> locations, String snippet) {
        this(code, message, locations, snippet, null);
    }

    public Problem {
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        locations = List.copyOf(locations);
        requireNonNull(snippet, "snippet is null");
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("a problem has at least one location");
        }
    }

    /** {@return whether this problem makes its file invalid} */
    public boolean isError() {
        return code.isError();
    }

    /** {@return the short text printed beside the code: Falco adds the field for deprecated-field warnings} */
    public String codeText() {
        return deprecatedField == null ? code.text() : code.text() + ": field '" + deprecatedField + "'";
    }

    /** {@return the innermost location, the one the snippet shows} */
    public Location location() {
        return locations.getLast();
    }

    /** {@return the context as Falco's verbose text prints it: one {@code In <item> '<name>': (<file>:<line>:<col>)} line per location} */
    public String contextText() {
        var sb = new StringBuilder();
        boolean first = true;
        for (Location loc : locations) {
            sb.append(first ? "In " : "    ");
            first = false;
            sb.append(loc.itemType().text());
            if (!loc.itemName().isEmpty()) {
                sb.append(" '").append(loc.itemName()).append('\'');
            }
            sb.append(": (").append(loc.position().name()).append(':').append(loc.position().line()).append(':')
                    .append(loc.position().column()).append(")\n");
        }
        return sb.toString();
    }
}
