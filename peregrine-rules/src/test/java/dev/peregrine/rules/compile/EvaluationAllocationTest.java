package dev.peregrine.rules.compile;

import static dev.peregrine.rules.compile.TestFields.and;
import static dev.peregrine.rules.compile.TestFields.check;
import static dev.peregrine.rules.compile.TestFields.checkList;
import static dev.peregrine.rules.compile.TestFields.exists;
import static dev.peregrine.rules.compile.TestFields.not;
import static dev.peregrine.rules.compile.TestFields.or;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.syntax.Expr;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Evaluating compiled conditions allocates nothing per event once warmed up (extractors permitting). */
class EvaluationAllocationTest {
    private static final int EVENTS = 200_000;
    /** Allowance for one-off allocations (thread-locals, JIT deoptimisation paths), far below 1 byte/event. */
    private static final long MAX_BYTES = 64 * 1024;

    /** An event is an index into preset values; extractors copy presets without allocating. */
    private static final String[] NAMES = {"bash", "sshd", "nginx", "python3"};
    private static final String[] PATHS = {"/usr/bin/ls", "/etc/passwd", "/tmp/x", "/var/lib/dpkg/status"};
    private static final byte[][] IPS = {{10, 0, 0, 1}, {(byte) 192, (byte) 168, 1, 1}};

    private static final ExtractorBinding BINDING = field -> {
        FieldType t = field.info().type();
        String name = field.info().name();
        return (event, out) -> {
            int e = (Integer) event;
            switch (name) {
                case "proc.name" -> out.addString(NAMES[e % NAMES.length]);
                case "fd.name" -> out.addString(PATHS[e % PATHS.length]);
                case "proc.pid" -> out.addLong(e);
                case "fd.sip" -> out.addBytes(IPS[e % IPS.length]);
                case "proc.cmdargs" -> {
                    out.addString(NAMES[e % NAMES.length]);
                    out.addString(NAMES[(e + 1) % NAMES.length]);
                }
                default -> {
                    return false;
                }
            }
            return t != null;
        };
    };

    @Test
    void matches_warmedUp_allocatesNothingPerEvent() throws Exception {
        FieldSlots slots = new FieldSlots();
        ConditionCompiler cc = new ConditionCompiler(TestFields.CATALOG, BINDING, slots, n -> Set.of("open")
                .contains(n));
        List<Expr> conditions = List.of(
                and(check("proc.name", "=", "bash"), check("proc.pid", ">", "5")),
                checkList("proc.name", "in", "sshd", "nginx", "containerd"),
                checkList("fd.name", "startswith anyof", "/etc/", "/root/"),
                checkList("fd.name", "pmatch", "/usr/bin", "/var/lib/*/status"),
                check("fd.name", "glob", "/tmp/*"),
                check("proc.name", "regex", "py.*[0-9]"),
                or(not(exists("proc.name")), check("proc.name", "icontains", "SH")),
                checkList("fd.sip", "in", "10.0.0.1", "10.0.0.2"),
                checkList("proc.cmdargs", "intersects", "nginx"),
                check("fd.name", "endswith", "status"));
        List<CompiledCondition> compiled = new java.util.ArrayList<>();
        for (Expr c : conditions) {
            compiled.add(cc.compile(c));
        }
        EvalContext ctx = new EvalContext(slots);
        Integer[] events = new Integer[64];
        for (int i = 0; i < events.length; i++) {
            events[i] = i;
        }
        long hits = run(compiled, ctx, events);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        hits += run(compiled, ctx, events);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(hits).isPositive();
        assertThat(allocated).as("bytes allocated for %d events", EVENTS).isLessThan(MAX_BYTES);
    }

    private static long run(List<CompiledCondition> compiled, EvalContext ctx, Integer[] events) {
        long hits = 0;
        int n = compiled.size();
        for (int i = 0; i < EVENTS; i++) {
            ctx.reset(events[i & 63]);
            for (int k = 0; k < n; k++) {
                if (compiled.get(k).matches(ctx)) {
                    hits++;
                }
            }
        }
        return hits;
    }
}
