package dev.peregrine.forwarders;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of Go templates Falcosidekick users write in {@code messageformat}: literal text with
 * {@code {{ .Rule }}}, {@code {{ .Priority }}}, {@code {{ .Output }}}, {@code {{ .Source }}},
 * {@code {{ .Hostname }}}, {@code {{ .Time }}} and {@code {{ index .OutputFields "field.name" }}}. Anything else
 * between braces is a configuration error, not an empty string at run time.
 */
public final class MessageTemplate {
    /* Implementation notes: Falcosidekick runs a full text/template; the actions above cover the examples of its
     * documentation. Parsing happens once, at configuration time, into literal and action parts. */

    private static final Pattern ACTION = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
    private static final Pattern INDEX = Pattern.compile("index\\s+\\.OutputFields\\s+\"([^\"]+)\"");

    private sealed interface Part permits Literal, Property, Field {
    }

    private record Literal(String text) implements Part {
    }

    private record Property(String name) implements Part {
    }

    private record Field(String name) implements Part {
    }

    private final List<Part> parts;

    private MessageTemplate(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /**
     * @throws IllegalArgumentException naming the option and the action it does not understand
     */
    public static MessageTemplate parse(ForwarderOptions options, String option, String template) {
        requireNonNull(template, "template is null");
        List<Part> parts = new ArrayList<>();
        Matcher m = ACTION.matcher(template);
        int last = 0;
        while (m.find()) {
            parts.add(new Literal(template.substring(last, m.start())));
            String action = m.group(1).strip();
            Matcher index = INDEX.matcher(action);
            if (index.matches()) {
                parts.add(new Field(index.group(1)));
            } else if (action.matches("\\.(Rule|Priority|Output|Source|Hostname|Time)")) {
                parts.add(new Property(action.substring(1)));
            } else {
                throw options.error(option, "'{{ " + action + " }}' is not supported (use .Rule, .Priority, "
                        + ".Output, .Source, .Hostname, .Time or index .OutputFields \"field\")");
            }
            last = m.end();
        }
        parts.add(new Literal(template.substring(last)));
        return new MessageTemplate(parts);
    }

    /** {@return the text for one alert; a missing output field renders as {@code <no value>}, as Go's does} */
    public String render(FalcoPayload p) {
        StringBuilder sb = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal l -> sb.append(l.text());
                case Field f -> {
                    Object v = p.outputFields().get(f.name());
                    sb.append(v == null ? "<no value>" : v.toString());
                }
                case Property prop -> sb.append(switch (prop.name()) {
                    case "Rule" -> p.rule();
                    case "Priority" -> p.priority().falcoName();
                    case "Output" -> p.output();
                    case "Source" -> p.source();
                    case "Hostname" -> p.hostname();
                    default -> p.goTime();
                });
            }
        }
        return sb.toString();
    }
}
