package dev.peregrine.forwarders;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.load.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One forwarder's section of {@code forwarders:} (Falcosidekick's options for that output), read with typed
 * accessors whose errors name the option as {@code forwarders.<key>.<option>} and say why, e.g.
 * {@code forwarders.slack.outputformat: 'short' is not one of all, text, fields}.
 *
 * <p>Option names are matched case-insensitively, as Falcosidekick's configuration library does
 * ({@code customHeaders} and {@code customheaders} are the same option). After reading what it knows, a factory
 * calls {@link #rejectUnknown()}, so a misspelt option is an error instead of a silently ignored line.
 */
public final class ForwarderOptions {
    /* Implementation notes: values arrive as SnakeYAML/Jackson produce them (String, Integer, Long, Boolean,
     * Double, List, Map), or as strings when they come from -o overrides; every accessor accepts both forms.
     * Not thread-safe: used once, by one factory, while a target is built. */

    /** Falcosidekick's {@code minimumpriority}: empty means debug (everything). */
    public static final String MINIMUM_PRIORITY = "minimumpriority";

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private final String path;
    private final Map<String, Object> values;
    private final Map<String, String> spelling;
    private final Set<String> read = new LinkedHashSet<>();

    private ForwarderOptions(String path, Map<String, ?> options) {
        this.path = path;
        this.values = new LinkedHashMap<>();
        this.spelling = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : options.entrySet()) {
            String lower = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT);
            if (values.containsKey(lower)) {
                throw new IllegalArgumentException(path + "." + e.getKey() + ": given twice (as '"
                        + spelling.get(lower) + "' too; option names ignore case)");
            }
            values.put(lower, e.getValue());
            spelling.put(lower, String.valueOf(e.getKey()));
        }
    }

    /**
     * @param key the forwarder's key under {@code forwarders:}, e.g. {@code slack}
     * @param options its options as parsed from YAML
     */
    public static ForwarderOptions of(String key, Map<String, ?> options) {
        requireNonNull(key, "key is null");
        requireNonNull(options, "options is null");
        return new ForwarderOptions("forwarders." + key, options);
    }

    /** {@return {@code forwarders.<key>.<option>}, for messages} */
    public String path(String option) {
        return path + "." + option;
    }

    /** {@return an exception naming the option and the reason} */
    public IllegalArgumentException error(String option, String reason) {
        return new IllegalArgumentException(path(option) + ": " + reason);
    }

    private Object raw(String option) {
        read.add(option);
        return values.get(option);
    }

    /** {@return whether the option is present with a non-empty value} */
    public boolean isSet(String option) {
        Object v = values.get(option);
        return v != null && !(v instanceof String s && s.isBlank());
    }

    /** {@return the option's text, empty when absent, null or blank} */
    public Optional<String> string(String option) {
        Object v = raw(option);
        return switch (v) {
            case null -> Optional.empty();
            case String s -> s.isBlank() ? Optional.empty() : Optional.of(s.strip());
            case Number n -> Optional.of(n.toString());
            case Boolean b -> Optional.of(b.toString());
            default -> throw error(option, "expected a single value, got " + describe(v));
        };
    }

    /** {@return the option's text, or {@code defaultValue} when absent or blank} */
    public String string(String option, String defaultValue) {
        return string(option).orElse(defaultValue);
    }

    /** {@return the option's text} @throws IllegalArgumentException {@code ...: missing} when absent or blank */
    public String required(String option) {
        return string(option).orElseThrow(() -> error(option, "missing"));
    }

    /** {@return a boolean option: YAML booleans or the words true/false} */
    public boolean bool(String option, boolean defaultValue) {
        Object v = raw(option);
        return switch (v) {
            case null -> defaultValue;
            case Boolean b -> b;
            case String s when s.isBlank() -> defaultValue;
            case String s when s.strip().equalsIgnoreCase("true") -> true;
            case String s when s.strip().equalsIgnoreCase("false") -> false;
            default -> throw error(option, "expected true or false, got " + describe(v));
        };
    }

    /** {@return an integer option within {@code [min, max]}} */
    public int integer(String option, int defaultValue, int min, int max) {
        Optional<String> text = string(option);
        if (text.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text.get());
        } catch (NumberFormatException e) {
            throw error(option, "expected an integer, got '" + text.get() + "'");
        }
        if (value < min || value > max) {
            throw error(option, value + " is out of range [" + min + ", " + max + "]");
        }
        return (int) value;
    }

    /**
     * {@return a duration: a number of seconds, or a Go duration as Falcosidekick writes them ({@code 500ms},
     * {@code 10s}, {@code 1m30s})}
     */
    public Duration duration(String option, Duration defaultValue) {
        Optional<String> text = string(option);
        if (text.isEmpty()) {
            return defaultValue;
        }
        String s = text.get();
        Duration d;
        if (s.matches("\\d+(\\.\\d+)?")) {
            d = Duration.ofNanos(Math.round(Double.parseDouble(s) * 1e9));
        } else {
            Matcher m = GO_DURATION.matcher(s);
            d = Duration.ZERO;
            int end = 0;
            while (m.find() && m.start() == end) {
                double n = Double.parseDouble(m.group(1));
                double nanosPerUnit = switch (m.group(2)) {
                    case "ns" -> 1;
                    case "us", "µs" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
                d = d.plusNanos(Math.round(n * nanosPerUnit));
                end = m.end();
            }
            if (end != s.length() || end == 0) {
                throw error(option, "expected a duration such as 10s, 500ms or 1m, got '" + s + "'");
            }
        }
        if (d.isZero()) {
            throw error(option, "must be more than zero");
        }
        return d;
    }

    /**
     * {@return a list: a YAML list, or a comma-separated string as Falcosidekick accepts (blank items dropped)}
     */
    public List<String> list(String option) {
        Object v = raw(option);
        List<String> out = new ArrayList<>();
        switch (v) {
            case null -> {
            }
            case Collection<?> c -> {
                for (Object o : c) {
                    if (o instanceof Map<?, ?> || o instanceof Collection<?>) {
                        throw error(option, "expected a list of values, got an item " + describe(o));
                    }
                    if (o != null && !o.toString().isBlank()) {
                        out.add(o.toString().strip());
                    }
                }
            }
            case Map<?, ?> m -> throw error(option, "expected a list or a comma-separated string, got a map");
            default -> {
                for (String item : v.toString().split(",")) {
                    if (!item.isBlank()) {
                        out.add(item.strip());
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@return a map of strings: a YAML map, or Falcosidekick's comma-separated {@code key:value} pairs}, in the
     * order given
     */
    public Map<String, String> stringMap(String option) {
        Object v = raw(option);
        Map<String, String> out = new LinkedHashMap<>();
        switch (v) {
            case null -> {
            }
            case Map<?, ?> m -> {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof Collection<?>) {
                        throw error(option + "." + e.getKey(), "expected a single value, got "
                                + describe(e.getValue()));
                    }
                    out.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : e.getValue().toString());
                }
            }
            case Collection<?> c -> throw error(option, "expected a map or 'key:value, key:value', got a list");
            default -> {
                for (String pair : v.toString().split(",")) {
                    if (pair.isBlank()) {
                        continue;
                    }
                    int colon = pair.indexOf(':');
                    if (colon <= 0) {
                        throw error(option, "expected 'key:value' pairs separated by commas, got '"
                                + pair.strip() + "'");
                    }
                    out.put(pair.substring(0, colon).strip(), pair.substring(colon + 1).strip());
                }
            }
        }
        return out;
    }

    /**
     * {@return one of {@code allowed} (matched case-insensitively, returned as spelt in {@code allowed}), or
     * {@code defaultValue} when absent}
     */
    public String choice(String option, String defaultValue, List<String> allowed) {
        Optional<String> text = string(option);
        if (text.isEmpty()) {
            return defaultValue;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(text.get())) {
                return a;
            }
        }
        throw error(option, "'" + text.get() + "' is not one of " + String.join(", ", allowed));
    }

    /** {@return {@code minimumpriority}: Falco's priority names, {@code info} too; absent or empty means debug} */
    public Priority minimumPriority() {
        Optional<String> text = string(MINIMUM_PRIORITY);
        if (text.isEmpty()) {
            return Priority.DEBUG;
        }
        return Priority.parse(text.get()).orElseThrow(() -> error(MINIMUM_PRIORITY, "'" + text.get()
                + "' is not a priority (emergency, alert, critical, error, warning, notice, informational, debug)"));
    }

    /**
     * Accepts a Falcosidekick option Peregrine implements only with one value (e.g. {@code mutualtls: false}),
     * failing with {@code why} for any other value.
     */
    public void onlyValue(String option, String supported, String why) {
        Optional<String> text = string(option);
        if (text.isPresent() && !text.get().equalsIgnoreCase(supported)) {
            throw error(option, "'" + text.get() + "' is not supported: " + why);
        }
    }

    /** {@return a nested section, e.g. Elasticsearch's {@code batching}; empty when absent} */
    public ForwarderOptions section(String option) {
        Object v = raw(option);
        return switch (v) {
            case null -> new ForwarderOptions(path(option), Map.of());
            case Map<?, ?> m -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                m.forEach((k, val) -> copy.put(String.valueOf(k), val));
                yield new ForwarderOptions(path(option), copy);
            }
            default -> throw error(option, "expected a map of options, got " + describe(v));
        };
    }

    /** @throws IllegalArgumentException naming the first option that no accessor read, with the known ones */
    public void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                throw new IllegalArgumentException(path + "." + spelling.get(name) + ": unknown option (known: "
                        + String.join(", ", new TreeSet<>(read)) + ")");
            }
        }
    }

    private static String describe(Object v) {
        return switch (v) {
            case Map<?, ?> m -> "a map";
            case Collection<?> c -> "a list";
            default -> "'" + v + "'";
        };
    }
}
