package dev.peregrine.outputs.format;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldCatalogs;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.rules.output.OutputTemplate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders alerts exactly as Falco does: the text alert {@code <time>: <Priority> <output>} and, with
 * {@code json_output}, the JSON alert
 * {@code {"hostname","output","priority","rule","source","tags","time","output_fields"}}.
 *
 * <p>Every rule's output format, with the {@code append_output} entries that match it, is compiled once when the
 * formatter is created, against the ruleset's field binding and slots, so rendering an alert reuses the values the
 * condition already extracted for the event. An append format that does not compile fails creation with an
 * {@link AlertFormatException} naming the rule (Falco rejects such a rule at load time).
 *
 * <p>Create the formatter before evaluating events: compiling may add field slots to the ruleset's
 * {@link dev.peregrine.rules.compile.FieldSlots}. Once created it is immutable and thread-safe; {@link #format}
 * reads the caller's {@link EvalContext}.
 */
public final class AlertFormatter {
    /*
     * Implementation notes (Falco 0.42 userspace/engine/formats.cpp and falco_outputs.cpp):
     * - The alert is two formatters: the prefix "*%evt.time: <Priority>" (or %evt.time.iso8601 with
     *   time_format_iso_8601) and the message, the rule's output with '*' prepended; the text is prefix + " " +
     *   message. The '*' only means "render missing values as <NA>", which OutputTemplate always does.
     * - append_output is applied when rules are compiled: each matching extra_output (and each suggested field,
     *   "container_id=%container.id" ...) is appended after a space, in configuration order.
     * - JSON keys: nlohmann::json objects sort their keys, except that the golden output of falcosecurity/testing
     *   places output_fields last; we follow the golden order (key order is not significant in JSON).
     *   output_fields holds the message fields, then the prefix fields, then the extra fields, sorted by name.
     * - libsinsp's tojson prints the time fields (evt.time, evt.time.s, evt.time.iso8601, evt.datetime,
     *   evt.datetime.s, evt.outputtime) as the raw event timestamp in nanoseconds, not as their text: that is what
     *   JSON_AS_TIMESTAMP implements.
     */

    /** Fields whose JSON value in {@code output_fields} is the event timestamp (libsinsp {@code extract_as_js}). */
    static final Set<String> JSON_AS_TIMESTAMP = Set.of("evt.time", "evt.time.s", "evt.time.iso8601",
            "evt.datetime", "evt.datetime.s", "evt.outputtime");

    /** The fields the container plugin suggests for every syscall alert, in its declaration order. */
    public static final List<String> SUGGESTED_FIELDS = List.of("container.id", "container.name",
            "container.image.repository", "container.image.tag", "k8s.pod.name", "k8s.ns.name");

    private record ExtraField(OutputTemplate template, boolean raw) {
    }

    private record RuleOutput(String format, OutputTemplate prefix, OutputTemplate message,
            Map<String, ExtraField> extraFields) {
    }

    private final AlertFormatOptions options;
    private final Map<Integer, RuleOutput> byRuleId;

    private AlertFormatter(AlertFormatOptions options, Map<Integer, RuleOutput> byRuleId) {
        this.options = options;
        this.byRuleId = Map.copyOf(byRuleId);
    }

    /**
     * Compiles the outputs of every rule of {@code ruleset}.
     *
     * @throws AlertFormatException when an appended format or an extra field does not compile for a rule
     */
    public static AlertFormatter create(Ruleset ruleset, AlertFormatOptions options) {
        requireNonNull(ruleset, "ruleset is null");
        requireNonNull(options, "options is null");
        Map<String, OutputTemplate> prefixes = new HashMap<>();
        Map<Integer, RuleOutput> compiled = new HashMap<>();
        for (Rule rule : ruleset.rules()) {
            FieldCatalog catalog = FieldCatalogs.forSource(rule.source()).orElse(null);
            if (catalog == null) {
                continue; // Falco skips rules of unknown sources at load; they never fire
            }
            String timeField = options.timeIso8601() ? "%evt.time.iso8601" : "%evt.time";
            OutputTemplate prefix = prefixes.computeIfAbsent(rule.source(),
                    s -> compileOrFail(rule, "*" + timeField + ": ", catalog, ruleset));
            String format = effectiveFormat(rule, options.appendOutputs(), catalog);
            OutputTemplate message = format.equals(rule.outputFormat()) ? rule.output()
                    : compileOrFail(rule, "*" + format, catalog, ruleset);
            Map<String, ExtraField> extras = new LinkedHashMap<>();
            for (AppendOutput a : options.appendOutputs()) {
                if (!a.matches(rule.name(), rule.source(), rule.tags())) {
                    continue;
                }
                a.formattedFields().forEach((key, fmt) -> extras.put(key,
                        new ExtraField(compileOrFail(rule, star(fmt), catalog, ruleset), false)));
                for (String raw : a.rawFields()) {
                    extras.put(raw, new ExtraField(compileOrFail(rule, "*%" + raw, catalog, ruleset), true));
                }
            }
            compiled.put(rule.id(), new RuleOutput(format, prefix, message, extras));
        }
        return new AlertFormatter(options, compiled);
    }

    /**
     * {@return the rule's output format with the matching {@code append_output} entries applied, as Falco's rule
     * compiler builds it}
     */
    public static String effectiveFormat(Rule rule, List<AppendOutput> appendOutputs, FieldCatalog catalog) {
        StringBuilder sb = new StringBuilder(rule.outputFormat());
        for (AppendOutput a : appendOutputs) {
            if (!a.matches(rule.name(), rule.source(), rule.tags())) {
                continue;
            }
            if (!a.extraOutput().isEmpty()) {
                sb.append(' ').append(a.extraOutput());
            }
            if (a.suggestedOutput() && rule.source().equals(FieldCatalogs.SYSCALL)) {
                for (String field : SUGGESTED_FIELDS) {
                    if (resolves(catalog, field)) {
                        sb.append(' ').append(field.replace('.', '_')).append("=%").append(field);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** {@return the rule's output format as this formatter renders it (after {@code append_output})} */
    public String outputFormat(Rule rule) {
        RuleOutput ro = byRuleId.get(rule.id());
        return ro == null ? rule.outputFormat() : ro.format();
    }

    /** {@return the options this formatter renders with} */
    public AlertFormatOptions options() {
        return options;
    }

    /**
     * Renders the alert of {@code rule} for the event the context is positioned on.
     *
     * @param timestampNanos the event's timestamp in nanoseconds since the epoch
     * @throws IllegalArgumentException when the rule is not part of the ruleset this formatter was created for
     */
    public FormattedAlert format(Rule rule, EvalContext ctx, long timestampNanos) {
        RuleOutput ro = byRuleId.get(rule.id());
        if (ro == null) {
            throw new IllegalArgumentException("rule '" + rule.name() + "' has no compiled output (unknown source "
                    + rule.source() + ")");
        }
        String prefix = ro.prefix().render(ctx) + rule.priority().falcoName();
        String message = ro.message().render(ctx);
        String output = prefix + " " + message;
        Map<String, String> fields = new LinkedHashMap<>();
        textFields(ro.message(), ctx, fields);
        for (Map.Entry<String, ExtraField> e : ro.extraFields().entrySet()) {
            fields.put(e.getKey(), e.getValue().template().render(ctx));
        }
        String line = options.jsonOutput() ? json(rule, ro, ctx, timestampNanos, output, message) : output;
        return new FormattedAlert(line, rule.name(), rule.priority(), rule.source(), rule.sortedTags(),
                timestampNanos, output, fields);
    }

    /**
     * Renders one of Falco's internal messages (source {@code internal}), such as the alert of the
     * {@code syscall_event_drops} {@code alert} action, as Falco's {@code falco_outputs::handle_msg} does: text
     * {@code <HH:MM:SS.nnnnnnnnn>: <Priority> <msg> (k=v k=v)} with JSON-encoded values, or a JSON alert.
     *
     * @param timestampNanos the time of the message, nanoseconds since the epoch
     * @param localOffsetSeconds the local time zone's offset: the text form prints local time of day
     * @param outputFields the message's fields: strings, numbers, booleans or null, in order
     */
    public FormattedAlert formatInternal(long timestampNanos, int localOffsetSeconds, Priority priority,
            String message, String rule, Map<String, Object> outputFields) {
        requireNonNull(priority, "priority is null");
        requireNonNull(message, "message is null");
        requireNonNull(rule, "rule is null");
        Map<String, String> fields = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        text.append(timeOfDay(timestampNanos, localOffsetSeconds)).append(": ").append(priority.falcoName())
                .append(' ').append(message).append(" (");
        boolean first = true;
        for (Map.Entry<String, Object> e : outputFields.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> || v instanceof java.util.Collection<?>) {
                throw new IllegalArgumentException("output fields must be key-value maps of scalars: "
                        + e.getKey());
            }
            if (!first) {
                text.append(' ');
            }
            first = false;
            StringBuilder value = new StringBuilder();
            AlertJson.value(value, v);
            text.append(e.getKey()).append('=').append(value);
            fields.put(e.getKey(), v instanceof String str ? str : value.toString());
        }
        text.append(')');
        String output = text.toString();
        String line = output;
        if (options.jsonOutput()) {
            StringBuilder sb = new StringBuilder(256);
            sb.append("{\"hostname\":");
            AlertJson.string(sb, options.hostname());
            sb.append(",\"output\":");
            AlertJson.string(sb, message);
            sb.append(",\"priority\":");
            AlertJson.string(sb, priority.falcoName());
            sb.append(",\"rule\":");
            AlertJson.string(sb, rule);
            sb.append(",\"source\":\"internal\",\"time\":");
            AlertJson.string(sb, AlertTime.iso8601Utc(timestampNanos));
            sb.append(",\"output_fields\":");
            AlertJson.value(sb, outputFields);
            line = sb.append('}').toString();
        }
        return new FormattedAlert(line, rule, priority, "internal", List.of(), timestampNanos, output, fields);
    }

    /** libsinsp {@code ts_to_string(ts, date=false, ns=true)}: local {@code HH:MM:SS.nnnnnnnnn}. */
    private static String timeOfDay(long ts, int localOffsetSeconds) {
        long sec = Long.divideUnsigned(ts, 1_000_000_000L);
        long nsec = Long.remainderUnsigned(ts, 1_000_000_000L);
        long s = Math.floorMod(sec + localOffsetSeconds, 86_400L);
        return String.format("%02d:%02d:%02d.%09d", s / 3600, (s % 3600) / 60, s % 60, nsec);
    }

    private String json(Rule rule, RuleOutput ro, EvalContext ctx, long ts, String output, String message) {
        StringBuilder sb = new StringBuilder(256 + output.length() * 2);
        sb.append('{');
        sb.append("\"hostname\":");
        AlertJson.string(sb, options.hostname());
        if (options.includeMessage()) {
            sb.append(",\"message\":");
            AlertJson.string(sb, message);
        }
        if (options.includeOutput()) {
            sb.append(",\"output\":");
            AlertJson.string(sb, output);
        }
        sb.append(",\"priority\":");
        AlertJson.string(sb, rule.priority().falcoName());
        sb.append(",\"rule\":");
        AlertJson.string(sb, rule.name());
        sb.append(",\"source\":");
        AlertJson.string(sb, rule.source());
        if (options.includeTags()) {
            sb.append(",\"tags\":");
            AlertJson.value(sb, rule.sortedTags());
        }
        sb.append(",\"time\":");
        AlertJson.string(sb, AlertTime.iso8601Utc(ts));
        if (options.includeOutputFields()) {
            Map<String, Object> outputFields = new TreeMap<>();
            jsonFields(ro.message(), ctx, ts, outputFields);
            jsonFields(ro.prefix(), ctx, ts, outputFields);
            for (Map.Entry<String, ExtraField> e : ro.extraFields().entrySet()) {
                ExtraField ef = e.getValue();
                if (ef.raw()) {
                    Map<String, Object> one = new TreeMap<>();
                    jsonFields(ef.template(), ctx, ts, one);
                    outputFields.put(e.getKey(), one.get(e.getKey()));
                } else {
                    outputFields.put(e.getKey(), ef.template().render(ctx));
                }
            }
            sb.append(",\"output_fields\":");
            AlertJson.value(sb, outputFields);
        }
        return sb.append('}').toString();
    }

    private static void jsonFields(OutputTemplate template, EvalContext ctx, long ts, Map<String, Object> out) {
        for (Map.Entry<String, Object> e : template.outputFields(ctx).entrySet()) {
            out.put(e.getKey(), JSON_AS_TIMESTAMP.contains(e.getKey()) ? (Object) ts : e.getValue());
        }
    }

    /** Field values as text: the JSON value's text, {@code <NA>} when missing (lists print as {@code [a, b]}). */
    private static void textFields(OutputTemplate template, EvalContext ctx, Map<String, String> out) {
        Map<String, Object> values = template.outputFields(ctx);
        for (String name : template.outputFieldNames()) {
            Object v = values.get(name);
            out.put(name, v == null ? "<NA>" : String.valueOf(v));
        }
    }

    private static String star(String format) {
        return format.startsWith("*") ? format : "*" + format;
    }

    private static boolean resolves(FieldCatalog catalog, String field) {
        try {
            return catalog.resolve(field, null).isPresent();
        } catch (dev.peregrine.rules.fields.FieldArgumentException e) {
            return false;
        }
    }

    private static OutputTemplate compileOrFail(Rule rule, String format, FieldCatalog catalog, Ruleset ruleset) {
        try {
            return OutputTemplate.compile(format, catalog, ruleset.binding(), ruleset.slots());
        } catch (CompileException e) {
            throw new AlertFormatException("rule '" + rule.name() + "': output format '" + format
                    + "' does not compile: " + e.getMessage());
        }
    }
}
