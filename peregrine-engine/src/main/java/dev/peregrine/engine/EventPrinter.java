package dev.peregrine.engine;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.event.EventTable;
import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.CompiledCondition;
import dev.peregrine.rules.compile.ConditionCompiler;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldCatalogs;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.output.OutputTemplate;
import dev.peregrine.rules.syntax.ConditionParser;
import dev.peregrine.rules.syntax.ConditionSyntaxException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code -p FORMAT [FILTER]} mode of replay, like {@code sysdig -r FILE -p FORMAT FILTER}: every event of a
 * capture that matches the optional filter is printed with the format, after the state engine has processed it.
 *
 * <p>The format uses the output syntax ({@code %evt.num %proc.name}); as in sysdig, an event lacking a value for
 * one of the fields is not printed unless the format starts with {@code *}, and missing values print as
 * {@code <NA>}.
 */
public final class EventPrinter {
    /* Implementation notes: the filter and the format share one FieldSlots, so a field read by both is extracted once
     * per event. The filter is a plain condition (no macros or lists to expand), compiled with the syscall catalog
     * and the event table for evt.type names, exactly as a rule condition. */

    private final OutputTemplate template;
    private final CompiledCondition filter;
    private final FieldSlots slots;

    private EventPrinter(OutputTemplate template, CompiledCondition filter, FieldSlots slots) {
        this.template = template;
        this.filter = filter;
        this.slots = slots;
    }

    /**
     * Compiles a format and an optional filter for the syscall source.
     *
     * @param filter the filter expression, or null/blank to print every event
     * @throws ConditionSyntaxException when the filter does not parse (the message carries the position)
     * @throws CompileException when a field is unknown or an operator does not apply (with the position)
     */
    public static EventPrinter compile(String format, String filter, SyscallBinding binding)
            throws ConditionSyntaxException, CompileException {
        requireNonNull(format, "format is null");
        requireNonNull(binding, "binding is null");
        FieldCatalog catalog = FieldCatalogs.forSource(FieldCatalogs.SYSCALL).orElseThrow();
        FieldSlots slots = new FieldSlots();
        CompiledCondition condition = null;
        if (filter != null && !filter.isBlank()) {
            condition = new ConditionCompiler(catalog, binding, slots, EventTable.get())
                    .compile(ConditionParser.parse(filter));
        }
        OutputTemplate template = OutputTemplate.compile(format, catalog, binding, slots);
        return new EventPrinter(template, condition, slots);
    }

    /**
     * Replays {@code capture} and hands each printed line to {@code out}.
     *
     * @return the events read and printed ({@link ReplayStats#eventsMatched()}; no alerts), and the capture problem
     */
    public ReplayStats print(ReplayPipeline pipeline, Path capture, Consumer<String> out) throws IOException {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(out, "out is null");
        EvalContext ctx = new EvalContext(slots);
        long[] counts = new long[2];
        Optional<CaptureProblem> problem = pipeline.forEachEvent(capture, (event, view) -> {
            counts[0]++;
            ctx.reset(event);
            if (filter != null && !filter.matches(ctx)) {
                return true;
            }
            if (template.requireAllValues() && !template.hasAllValues(ctx)) {
                return true;
            }
            counts[1]++;
            out.accept(template.render(ctx));
            return true;
        });
        return new ReplayStats(counts[0], counts[1], 0, problem, false);
    }
}
