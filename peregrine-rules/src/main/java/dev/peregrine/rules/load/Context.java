package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.syntax.Pos;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Where in the rules content a definition or a problem sits: a chain of {@link Location}s from the whole file down
 * to the item (Falco {@code rule_loader::context}). Immutable; children copy the chain.
 */
final class Context {
    /*
     * Implementation notes: positions follow Falco exactly. YAML positions are 0-based (yaml-cpp marks, and
     * snakeyaml marks are also 0-based). A location inside a condition adds the parser's 1-based position to the
     * parent's 0-based one, as Falco does, and is named after a quoted 20-character prefix of the condition, whose
     * text (with lists substituted) then serves for the snippet instead of the file.
     */

    /** Half of the snippet width bounds how far the snippet extends each side of the position (Falco: 160 chars). */
    static final int SNIPPET_WIDTH_CHARS = 160;

    private final List<Location> locations;
    private final String altContent;

    private Context(List<Location> locations, String altContent) {
        this.locations = List.copyOf(locations);
        this.altContent = altContent;
    }

    /** {@return the context of a whole rules file} */
    static Context root(String name) {
        requireNonNull(name, "name is null");
        return new Context(List.of(new Location(ItemType.RULES_CONTENT, "", new Position(name, 0, 0, 0))), null);
    }

    String name() {
        return locations.getFirst().position().name();
    }

    List<Location> locations() {
        return locations;
    }

    /** {@return a child context for a YAML node} */
    Context child(Node node, ItemType type, String itemName) {
        Mark mark = node.getStartMark().orElse(null);
        return mark == null ? child(0, 0, 0, type, itemName) : child(mark.getLine(), mark.getColumn(), mark.getIndex(),
                type, itemName);
    }

    /** {@return a child context at a YAML mark} */
    Context child(int line, int column, int offset, ItemType type, String itemName) {
        var locs = new ArrayList<>(locations);
        locs.add(new Location(type, itemName, new Position(name(), line, column, offset)));
        return new Context(locs, null);
    }

    /** {@return a child context at a position inside condition text compiled under this context} */
    Context forCondition(Pos pos, String condition) {
        return forCondition(pos.index(), pos.line(), pos.column(), condition);
    }

    /** {@return as {@link #forCondition(Pos, String)} with a raw parser position (Falco uses 0/0/0 for "whole condition")} */
    Context forCondition(int index, int line, int column, String condition) {
        String shortName = "\"" + (condition.length() > 20 ? condition.substring(0, 17) + "...\"" : condition + "\"");
        shortName = shortName.replace('\n', ' ').replace('\r', ' ');
        Position last = locations.getLast().position();
        var locs = new ArrayList<>(locations);
        locs.add(new Location(ItemType.CONDITION_EXPRESSION, "", new Position(shortName, line + last.line(),
                column + last.column(), index + last.offset())));
        return new Context(locs, condition);
    }

    /** {@return a problem at this context, with its snippet taken from {@code contents} (file name to text)} */
    Problem problem(LoadCode code, String message, Map<String, String> contents) {
        return new Problem(code, message, locations, snippet(contents));
    }

    /** {@return a deprecated-field warning at this context} */
    Problem deprecatedField(String field, String message, Map<String, String> contents) {
        return new Problem(LoadCode.LOAD_DEPRECATED_ITEM, message, locations, snippet(contents), field);
    }

    String snippet(Map<String, String> contents) {
        Location loc = locations.getLast();
        String content = altContent;
        if (content == null || content.isEmpty()) {
            content = contents.get(loc.position().name());
            if (content == null) {
                return "<No context for file + " + loc.position().name() + ">\n";
            }
        }
        if (content.isEmpty()) {
            return "<No context available>\n";
        }
        int half = SNIPPET_WIDTH_CHARS / 2;
        int len = content.length();
        int pos = Math.max(0, loc.position().offset());
        while (pos > 0 && (pos >= len || content.charAt(pos) == '\n')) {
            pos--;
        }
        int from = pos;
        while (from > 0 && content.charAt(from) != '\n' && (pos - from) < half) {
            from--;
        }
        int to = pos;
        while (to < len - 1 && content.charAt(to) != '\n' && (to - pos) < half) {
            to++;
        }
        if (from < len && content.charAt(from) == '\n') {
            from++;
        }
        if (to < len && content.charAt(to) == '\n') {
            to--;
        }
        String ret = to >= from ? content.substring(from, Math.min(len, to + 1)) : "";
        if (ret.isEmpty()) {
            return "<No context available>\n";
        }
        // Falco computes these distances unsigned: a start past the position counts as far away.
        long before = pos >= from ? pos - from : Long.MAX_VALUE;
        if (before >= half) {
            ret = "..." + ret.substring(Math.min(3, ret.length()));
        }
        if (to - pos >= half) {
            ret = ret.substring(0, Math.max(0, ret.length() - 3)) + "...";
        }
        ret += "\n";
        if (before <= ret.length() - 1) {
            ret += " ".repeat((int) before) + "^\n";
        }
        return ret;
    }
}
