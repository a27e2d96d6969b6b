package dev.peregrine.outputs.format;

import dev.peregrine.rules.fields.Extractor;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.ResolvedField;
import java.util.Map;

/**
 * Test fixture: a binding whose events are {@code Map<String, Object>} from field text ({@code proc.cmdline}) to a
 * value ({@link String}, {@link Long} or {@link Boolean}); a missing key means the field has no value.
 */
final class MapBinding implements ExtractorBinding {
    @Override
    public Extractor bind(ResolvedField field) {
        String key = field.text();
        return (event, out) -> {
            Object v = ((Map<?, ?>) event).get(key);
            switch (v) {
                case null -> {
                    return false;
                }
                case String s -> out.addString(s);
                case Long l -> out.addLong(l);
                case Boolean b -> out.addBool(b);
                default -> throw new IllegalArgumentException("unsupported test value " + v);
            }
            return true;
        };
    }
}
