package dev.peregrine.rules.output;

import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.ResolvedField;
import java.util.List;
import java.util.Map;

/**
 * A rule's {@code output} compiled once at load time: literal text and field tokens ({@code %proc.name},
 * {@code %proc.aname[2]}, {@code %5evt.num}, {@code *%fd.name}, transformers). (Contract stub.)
 */
public final class OutputTemplate {
    private OutputTemplate() {
    }

    public static OutputTemplate compile(String format, FieldCatalog catalog, ExtractorBinding binding,
            FieldSlots slots) throws CompileException {
        throw new UnsupportedOperationException("pending");
    }

    /** {@return the text for the context's current event, {@code <NA>} for missing values} */
    public String render(EvalContext ctx) {
        throw new UnsupportedOperationException("pending");
    }

    /** {@return Falco's {@code output_fields}: each field token's text to its typed value (null when missing)} */
    public Map<String, Object> outputFields(EvalContext ctx) {
        throw new UnsupportedOperationException("pending");
    }

    /** {@return the fields the template uses, in order} */
    public List<ResolvedField> fields() {
        throw new UnsupportedOperationException("pending");
    }
}
