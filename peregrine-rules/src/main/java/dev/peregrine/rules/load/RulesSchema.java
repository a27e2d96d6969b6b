package dev.peregrine.rules.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Checks a rules document against Falco's rules JSON schema ({@code rule_json_schema.h}) as Falco does before
 * reading it: the outcome is informative only ({@code schema_valid} and {@code schema_warnings} of the load result),
 * never an error.
 */
final class RulesSchema {
    /*
     * Implementation notes: Falco validates with valijson in weak-types mode over yaml-cpp nodes, so every scalar is
     * a string, and a scalar also counts as a boolean when it is "true"/"false" and as an integer when it parses as
     * one; a null scalar is no string. Enums compare text exactly (priority "error" is not in the enum, which lists
     * upper-case names). Our messages follow valijson's wording ("failed for <root>[0][priority]: ...") but report
     * only the innermost violation of each property, where valijson also lists the enclosing ones.
     */
    static final String OK = "ok";

    private static final Set<String> PRIORITIES = Set.of("EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING",
            "NOTICE", "INFO", "INFORMATIONAL", "DEBUG");
    private static final Set<String> OVERRIDE_KEYS = Set.of("items", "desc", "condition", "output", "priority",
            "enabled", "exceptions", "capture", "capture_duration", "tags", "warn_evttypes",
            "skip-if-unknown-filter");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private enum Type { STRING, BOOLEAN, INTEGER, ARRAY, OBJECT }

    private final List<String> failures = new ArrayList<>();

    private RulesSchema() {
    }

    /** {@return "ok", or one "failed for ..." line per violation} */
    static List<String> validate(Node doc) {
        RulesSchema s = new RulesSchema();
        if (!(doc instanceof SequenceNode seq)) {
            s.fail("<root>", typeError());
        } else {
            for (int i = 0; i < seq.getValue().size(); i++) {
                s.rule(seq.getValue().get(i), "<root>[" + i + "]");
            }
        }
        return s.failures.isEmpty() ? List.of(OK) : List.copyOf(s.failures);
    }

    private void rule(Node item, String ctx) {
        if (!(item instanceof MappingNode map)) {
            fail(ctx, typeError());
            return;
        }
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            Node v = t.getValueNode();
            String at = ctx + "[" + key + "]";
            switch (key) {
                case "required_engine_version", "macro", "condition", "list", "rule", "desc", "output", "source" ->
                    type(v, Type.STRING, at);
                case "enabled", "append", "capture", "warn_evttypes", "skip-if-unknown-filter" ->
                    type(v, Type.BOOLEAN, at);
                case "capture_duration" -> type(v, Type.INTEGER, at);
                case "priority" -> {
                    if (type(v, Type.STRING, at) && !PRIORITIES.contains(((ScalarNode) v).getValue())) {
                        fail(at, "Failed to match against any enum values.");
                    }
                }
                case "items" -> eachItem(v, at, (n, c) -> {
                    if (!is(n, Type.INTEGER) && !is(n, Type.STRING)) {
                        fail(c, "Failed to validate against any child schemas allowed by anyOf constraint.");
                    }
                });
                case "tags" -> eachItem(v, at, (n, c) -> type(n, Type.STRING, c));
                case "exceptions" -> eachItem(v, at, this::exception);
                case "override" -> override(v, at);
                case "required_plugin_versions" -> eachItem(v, at, (n, c) -> plugin(n, c, true));
                default -> fail(ctx, additional(key));
            }
        }
    }

    private void exception(Node n, String ctx) {
        if (!(n instanceof MappingNode map)) {
            fail(ctx, typeError());
            return;
        }
        boolean hasName = false;
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            switch (key) {
                case "name" -> {
                    hasName = true;
                    type(t.getValueNode(), Type.STRING, ctx + "[name]");
                }
                case "fields", "comps", "values" -> {
                }
                default -> fail(ctx, additional(key));
            }
        }
        if (!hasName) {
            fail(ctx, "Missing required property 'name'.");
        }
    }

    private void override(Node n, String ctx) {
        if (!(n instanceof MappingNode map)) {
            fail(ctx, typeError());
            return;
        }
        if (map.getValue().isEmpty()) {
            fail(ctx, "Object should have no fewer than 1 properties.");
        }
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            if (!OVERRIDE_KEYS.contains(key)) {
                fail(ctx, additional(key));
            } else if (type(t.getValueNode(), Type.STRING, ctx + "[" + key + "]")) {
                String op = ((ScalarNode) t.getValueNode()).getValue();
                if (!op.equals("append") && !op.equals("replace")) {
                    fail(ctx + "[" + key + "]", "Failed to match against any enum values.");
                }
            }
        }
    }

    private void plugin(Node n, String ctx, boolean allowAlternatives) {
        if (!(n instanceof MappingNode map)) {
            fail(ctx, typeError());
            return;
        }
        boolean hasName = false;
        boolean hasVersion = false;
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
            switch (key) {
                case "name" -> {
                    hasName = true;
                    type(t.getValueNode(), Type.STRING, ctx + "[name]");
                }
                case "version" -> {
                    hasVersion = true;
                    type(t.getValueNode(), Type.STRING, ctx + "[version]");
                }
                case "alternatives" -> {
                    if (allowAlternatives) {
                        eachItem(t.getValueNode(), ctx + "[alternatives]", (a, c) -> plugin(a, c, false));
                    } else {
                        fail(ctx, additional(key));
                    }
                }
                default -> fail(ctx, additional(key));
            }
        }
        if (!hasName) {
            fail(ctx, "Missing required property 'name'.");
        }
        if (!hasVersion) {
            fail(ctx, "Missing required property 'version'.");
        }
    }

    private interface ItemCheck {
        void check(Node item, String ctx);
    }

    private void eachItem(Node v, String ctx, ItemCheck check) {
        if (!(v instanceof SequenceNode seq)) {
            fail(ctx, typeError());
            return;
        }
        for (int i = 0; i < seq.getValue().size(); i++) {
            check.check(seq.getValue().get(i), ctx + "[" + i + "]");
        }
    }

    private boolean type(Node n, Type t, String ctx) {
        if (is(n, t)) {
            return true;
        }
        fail(ctx, typeError());
        return false;
    }

    private static boolean is(Node n, Type t) {
        return switch (t) {
            case STRING -> n instanceof ScalarNode s && !RulesReader.isNull(s);
            case BOOLEAN -> n instanceof ScalarNode s && (s.getValue().equals("true") || s.getValue().equals("false"));
            case INTEGER -> n instanceof ScalarNode s && INTEGER.matcher(s.getValue()).matches();
            case ARRAY -> n instanceof SequenceNode;
            case OBJECT -> n instanceof MappingNode;
        };
    }

    private void fail(String ctx, String description) {
        failures.add("failed for " + ctx + ": " + description);
    }

    private static String typeError() {
        return "Value type not permitted by 'type' constraint.";
    }

    private static String additional(String key) {
        return "Object contains a property that could not be validated using 'properties' or "
                + "'additionalProperties' constraints: '" + key + "'.";
    }
}
