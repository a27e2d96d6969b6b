package dev.peregrine.cli.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The merged {@code falco.yaml} document, addressed with Falco's key syntax: {@code a.b.c}, {@code list[2].name},
 * and, when setting, {@code list[].key} to append a new entry ({@code -o rules[].disable.rule=*}).
 *
 * <p>Values from {@code -o} are typed as YAML scalars when that is lossless and otherwise kept as text that the
 * readers type as yaml-cpp does: {@code -o json_output=true} and {@code json_output: true} read the same.
 * Not thread-safe; build it, then read it.
 */
public final class ConfigTree {
    /*
     * Implementation notes (Falco 0.42 userspace/engine/yaml_helper.h):
     * - Key grammar: Key := NodeKey ('.' NodeKey)*, NodeKey := name ('[' integer? ']')*. An empty index appends a
     *   new entry, and only when setting. Parse errors are reported as Falco does: "Config error at key "K":
     *   Parsing error: ...".
     * - Setting a named child of a sequence turns the sequence into a map keyed "0", "1", ... (yaml-cpp's
     *   operator[] on a sequence with a non-integer key). This matters: the harness of falcosecurity/testing passes
     *   -o append_output.suggested_output=false, which turns append_output into a map, and Falco then reads no
     *   append_output entry at all.
     * - A value written {…} is parsed as a YAML object. Other values are typed as YAML plain scalars only when
     *   that is lossless (true/false, decimal integers, plain fractions); the rest stays text, and the typed
     *   readers of FalcoConfigLoader convert text as yaml-cpp's as<T>() does, so both forms read the same.
     * - Scalars of loaded files get ${VAR} replaced by the environment variable (empty when unset) and $${x}
     *   unescaped to ${x}; values from -o are not expanded.
     */

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonNode root;

    private ConfigTree(JsonNode root) {
        this.root = root;
    }

    /** {@return an empty document} */
    public static ConfigTree empty() {
        return new ConfigTree(NODES.objectNode());
    }

    /** {@return the document of a YAML file, environment variables expanded} */
    public static ConfigTree load(Path file, Map<String, String> env) {
        return load(file, file.toString(), env);
    }

    /** {@return the document of a YAML file, named {@code name} in error messages} */
    public static ConfigTree load(Path file, String name, Map<String, String> env) {
        return new ConfigTree(readFile(file, name, env));
    }

    /** {@return the document of YAML text, environment variables expanded} */
    public static ConfigTree parse(String yaml, String name, Map<String, String> env) {
        return new ConfigTree(expandEnv(readText(yaml, name), env));
    }

    static JsonNode readFile(Path file, Map<String, String> env) {
        return readFile(file, file.toString(), env);
    }

    static JsonNode readFile(Path file, String name, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Cannot read config file (" + name + "): bad file");
        } catch (IOException e) {
            throw new ConfigException("Cannot read config file (" + name + "): " + e.getMessage());
        }
        return expandEnv(readText(text, name), env);
    }

    private static JsonNode readText(String text, String name) {
        try {
            JsonNode n = YAML.readTree(text);
            return n == null || n.isMissingNode() ? NODES.nullNode() : n;
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ConfigException("Cannot read config file (" + name + "): YAML error" + where + ": "
                    + (msg == null ? e.getMessage() : msg.lines().findFirst().orElse(msg)));
        }
    }

    /** {@return the root node (an object, or null/missing for an empty document)} */
    public JsonNode root() {
        return root;
    }

    /** {@return the node at {@code key}, or a missing node} */
    public JsonNode get(String key) {
        JsonNode cur = root;
        for (Segment s : segments(key)) {
            if (cur == null || cur.isMissingNode()) {
                return MissingNode.getInstance();
            }
            cur = switch (s) {
                case Segment.Name n -> cur.isObject() ? cur.get(n.name()) : null;
                case Segment.Index i -> cur.isArray() ? cur.get(i.index()) : null;
                case Segment.Append a -> null;
            };
        }
        return cur == null ? MissingNode.getInstance() : cur;
    }

    /** {@return whether a value (also null) is defined at {@code key}} */
    public boolean isDefined(String key) {
        return !get(key).isMissingNode();
    }

    /**
     * Applies one {@code -o key=value} option: the part before the first {@code =} is the key, the rest the value.
     *
     * @throws ConfigException when the option has no {@code =} or the key is malformed
     */
    public void setOption(String option) {
        int eq = option.indexOf('=');
        if (eq < 0) {
            throw new ConfigException("Error parsing config option \"" + option
                    + "\". Must be of the form key=val or key.subkey=val");
        }
        String key = option.substring(0, eq);
        String value = option.substring(eq + 1);
        JsonNode node = value.length() >= 2 && value.startsWith("{") && value.endsWith("}")
                ? readText(value, "-o " + key)
                : scalar(value);
        set(key, node);
    }

    /**
     * {@return an {@code -o} value typed as a YAML 1.2 plain scalar: {@code true}/{@code false} (any case form
     * YAML allows) as a boolean, a decimal integer as a number, a decimal fraction as a number when that loses
     * nothing; anything else (also {@code yes}, {@code 010}, {@code 1e3}, {@code *}) stays text, which the typed
     * readers still accept as yaml-cpp does}
     */
    static JsonNode scalar(String value) {
        switch (value) {
            case "true", "True", "TRUE" -> {
                return NODES.booleanNode(true);
            }
            case "false", "False", "FALSE" -> {
                return NODES.booleanNode(false);
            }
            default -> {
                // typed below when the text round-trips
            }
        }
        if (value.matches("-?(0|[1-9][0-9]{0,17})")) {
            return NODES.numberNode(Long.parseLong(value));
        }
        if (value.matches("-?(0|[1-9][0-9]{0,14})\\.[0-9]{1,15}")) {
            double d = Double.parseDouble(value);
            if (Double.toString(d).equals(value)) {
                return NODES.numberNode(d);
            }
        }
        return TextNode.valueOf(value);
    }

    /** Sets {@code key} to {@code value}, creating maps and sequence entries on the way. */
    public void set(String key, JsonNode value) {
        requireNonNull(value, "value is null");
        root = setIn(root, segments(key), 0, value, key);
    }

    private static JsonNode setIn(JsonNode cur, List<Segment> path, int k, JsonNode value, String key) {
        if (k == path.size()) {
            return value;
        }
        boolean absent = cur == null || cur.isMissingNode() || cur.isNull();
        if (!absent && cur.isValueNode()) {
            throw new ConfigException("Config error at key \"" + key + "\": '" + cur.asText()
                    + "' is a scalar value, not a map or a list");
        }
        return switch (path.get(k)) {
            case Segment.Name n -> {
                ObjectNode obj;
                if (absent) {
                    obj = NODES.objectNode();
                } else if (cur.isArray()) {
                    obj = NODES.objectNode();
                    for (int i = 0; i < cur.size(); i++) {
                        obj.set(Integer.toString(i), cur.get(i));
                    }
                } else {
                    obj = (ObjectNode) cur;
                }
                obj.set(n.name(), setIn(obj.get(n.name()), path, k + 1, value, key));
                yield obj;
            }
            case Segment.Append a -> {
                ArrayNode arr = asArray(cur, absent, key);
                arr.add(setIn(null, path, k + 1, value, key));
                yield arr;
            }
            case Segment.Index i -> {
                ArrayNode arr = asArray(cur, absent, key);
                if (i.index() < arr.size()) {
                    arr.set(i.index(), setIn(arr.get(i.index()), path, k + 1, value, key));
                } else if (i.index() == arr.size()) {
                    arr.add(setIn(null, path, k + 1, value, key));
                } else {
                    throw new ConfigException("Config error at key \"" + key + "\": index " + i.index()
                            + " is past the end of a list of " + arr.size());
                }
                yield arr;
            }
        };
    }

    private static ArrayNode asArray(JsonNode cur, boolean absent, String key) {
        if (absent || (cur.isObject() && cur.isEmpty())) {
            return NODES.arrayNode();
        }
        if (cur.isArray()) {
            return (ArrayNode) cur;
        }
        throw new ConfigException("Config error at key \"" + key + "\": a list index is used on a map");
    }

    /**
     * Merges an included config file's top-level keys with {@code strategy}.
     *
     * @throws ConfigException when the included file itself has {@code config_files}
     */
    void include(JsonNode included, String includedName, IncludeStrategy strategy) {
        if (included == null || !included.isObject()) {
            return;
        }
        if (root == null || !root.isObject()) {
            root = NODES.objectNode();
        }
        ObjectNode r = (ObjectNode) root;
        for (Iterator<Map.Entry<String, JsonNode>> it = included.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(FalcoConfigLoader.CONFIG_FILES)) {
                throw new ConfigException("Config error: '" + FalcoConfigLoader.CONFIG_FILES
                        + "' directive in included config file " + includedName + ".");
            }
            JsonNode existing = r.get(e.getKey());
            switch (strategy) {
                case APPEND -> {
                    if (e.getValue().isArray()) {
                        ArrayNode target = existing != null && existing.isArray() ? (ArrayNode) existing
                                : NODES.arrayNode();
                        target.addAll((ArrayNode) e.getValue());
                        r.set(e.getKey(), target);
                    } else {
                        r.set(e.getKey(), e.getValue());
                    }
                }
                case OVERRIDE -> r.set(e.getKey(), e.getValue());
                case ADD_ONLY -> {
                    if (existing == null) {
                        r.set(e.getKey(), e.getValue());
                    }
                }
            }
        }
    }

    /** How an included config file's keys merge (Falco's {@code config_files[].strategy}). */
    public enum IncludeStrategy {
        /** Sequences are appended to, other keys overridden (the default). */
        APPEND,
        /** Every key is overridden. */
        OVERRIDE,
        /** Only keys not yet defined are added. */
        ADD_ONLY
    }

    private sealed interface Segment permits Segment.Name, Segment.Index, Segment.Append {
        record Name(String name) implements Segment {
        }

        record Index(int index) implements Segment {
        }

        record Append() implements Segment {
        }
    }

    /** Parses a key with Falco's grammar, reporting errors with Falco's messages. */
    private static List<Segment> segments(String key) {
        List<Segment> out = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        int i = 0;
        boolean afterDot = true;
        while (i < key.length()) {
            char c = key.charAt(i);
            if (c == '.') {
                if (name.isEmpty()) {
                    throw keyError(key, "Parsing error: unexpected character at pos " + i);
                }
                out.add(new Segment.Name(name.toString()));
                name.setLength(0);
                afterDot = true;
                i++;
            } else if (c == '[') {
                if (!name.isEmpty()) {
                    out.add(new Segment.Name(name.toString()));
                    name.setLength(0);
                } else if (out.isEmpty() || afterDot) {
                    throw keyError(key, "Parsing error: unexpected character at pos " + i);
                }
                int close = key.indexOf(']', i);
                if (close < 0) {
                    throw keyError(key, "Parsing error: missing ']' after pos " + i);
                }
                String idx = key.substring(i + 1, close);
                if (idx.isEmpty()) {
                    out.add(new Segment.Append());
                } else {
                    try {
                        int n = Integer.parseInt(idx.strip());
                        if (n < 0) {
                            throw new NumberFormatException();
                        }
                        out.add(new Segment.Index(n));
                    } catch (NumberFormatException e) {
                        throw keyError(key, "Parsing error: expected a numeric index, found '" + idx + "'");
                    }
                }
                i = close + 1;
                afterDot = false;
                if (i < key.length() && key.charAt(i) == '.') {
                    i++;
                    afterDot = true;
                } else if (i < key.length() && key.charAt(i) != '[') {
                    throw keyError(key, "Parsing error: expected '.' character at pos " + (i - 1));
                }
            } else {
                name.append(c);
                afterDot = false;
                i++;
            }
        }
        if (!name.isEmpty()) {
            out.add(new Segment.Name(name.toString()));
        } else if (out.isEmpty() || key.endsWith(".")) {
            throw keyError(key, "Parsing error: unexpected character at pos " + Math.max(0, key.length() - 1));
        }
        return out;
    }

    private static ConfigException keyError(String key, String why) {
        return new ConfigException("Config error at key \"" + key + "\": " + why);
    }

    /** Replaces {@code ${VAR}} in every scalar string by the variable's value (empty when unset). */
    static JsonNode expandEnv(JsonNode node, Map<String, String> env) {
        if (node.isTextual()) {
            String v = expandEnv(node.textValue(), env);
            return v.equals(node.textValue()) ? node : TextNode.valueOf(v);
        }
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                o.set(n, expandEnv(o.get(n), env));
            }
        } else if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, expandEnv(a.get(i), env));
            }
        }
        return node;
    }

    static String expandEnv(String value, Map<String, String> env) {
        StringBuilder v = new StringBuilder(value);
        int start = v.indexOf("$");
        while (start >= 0) {
            String rest = v.substring(start);
            if (rest.startsWith("${")) {
                int end = rest.indexOf('}');
                if (end < 0) {
                    break;
                }
                String name = rest.substring(2, end);
                String val = env.getOrDefault(name, "");
                v.replace(start, start + end + 1, val);
                start = v.indexOf("$", start + val.length());
            } else if (rest.startsWith("$${")) {
                if (rest.indexOf('}') < 0) {
                    break;
                }
                v.deleteCharAt(start);
                start = v.indexOf("$", start + 1);
            } else {
                start = v.indexOf("$", start + 1);
            }
        }
        return v.toString();
    }
}
