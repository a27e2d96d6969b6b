package dev.peregrine.rules.compile;

import static dev.peregrine.rules.compile.TestFields.and;
import static dev.peregrine.rules.compile.TestFields.check;
import static dev.peregrine.rules.compile.TestFields.checkList;
import static dev.peregrine.rules.compile.TestFields.exists;
import static dev.peregrine.rules.compile.TestFields.not;
import static dev.peregrine.rules.compile.TestFields.or;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.syntax.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Generated conditions decide every event as the tree of checks they are generated from. */
class ConditionCodegenTest {

    /** Checks over a few fields whose values the generated events draw from the same small pools. */
    private static final List<Expr> LEAVES = List.of(
            check("proc.name", "=", "bash"),
            check("proc.name", "!=", "sh"),
            checkList("proc.name", "in", "bash", "sh", "zsh", "python"),
            check("proc.cmdline", "contains", "-c"),
            check("fd.name", "startswith", "/etc"),
            check("fd.name", "glob", "/etc/*"),
            checkList("fd.directory", "pmatch", "/etc", "/usr/bin"),
            check("proc.pid", ">", "100"),
            check("proc.pid", "=", "1"),
            checkList("user.uid", "in", "0", "1000"),
            check("evt.is_open_read", "=", "true"),
            checkList("proc.cmdargs", "in", "-c", "ls"),
            checkList("proc.cmdargs", "intersects", "-c"),
            exists("proc.pname"),
            check("fd.sip", "=", "10.0.0.1"),
            checkList("fd.port", "in", "22", "80"),
            check("fd.net", "=", "10.0.0.0/8"),
            check("fd.port", "!=", "22"));

    private static final List<String> NAMES = List.of("bash", "sh", "zsh", "python", "cat");
    private static final List<String> PATHS = List.of("/etc/passwd", "/etc/shadow", "/usr/bin/ls", "/tmp/x", "");

    @Property(tries = 400)
    void generate_randomConditions_decideAsTheTree(@ForAll("conditions") Expr condition,
            @ForAll("events") List<Map<String, Object>> events) throws Exception {
        FieldSlots slots = new FieldSlots();
        ConditionCompiler compiler = TestFields.compiler(slots);
        CompiledCondition generated = compiler.compile(condition);
        CompiledCondition tree = compiler.compileTree(condition);
        assertThat(generated.getClass()).isNotSameAs(tree.getClass());
        for (Map<String, Object> event : events) {
            EvalContext a = new EvalContext(slots);
            a.reset(event);
            EvalContext b = new EvalContext(slots);
            b.reset(event);
            assertThat(generated.matches(a)).as("%s on %s", condition, event).isEqualTo(tree.matches(b));
        }
    }

    @Property(tries = 300)
    void generate_conditionsSharingParts_rememberSharedResultsPerEvent(@ForAll("conditions") Expr part,
            @ForAll("conditions") Expr other, @ForAll("events") List<Map<String, Object>> events) throws Exception {
        FieldSlots slots = new FieldSlots();
        ConditionCompiler compiler = TestFields.compiler(slots);
        // both contain the same compound part: generated code evaluates it once per event and remembers it
        Expr first = and(part, other);
        Expr second = or(not(other), part);
        CompiledCondition firstTree = compiler.compileTree(first);
        CompiledCondition secondTree = compiler.compileTree(second);
        CompiledCondition firstCode = compiler.generate(firstTree, null, null);
        CompiledCondition secondCode = compiler.generate(secondTree, null, null);
        EvalContext ctx = new EvalContext(slots);
        EvalContext reference = new EvalContext(slots);
        for (Map<String, Object> event : events) {
            ctx.reset(event);
            reference.reset(event);
            assertThat(secondCode.matches(ctx)).as("%s on %s", second, event).isEqualTo(secondTree.matches(reference));
            assertThat(firstCode.matches(ctx)).as("%s on %s", first, event).isEqualTo(firstTree.matches(reference));
            assertThat(secondCode.matches(ctx)).as("again %s on %s", second, event)
                    .isEqualTo(secondTree.matches(reference));
        }
    }

    @Property(tries = 300)
    void generate_eventTypesKnown_foldedTypeChecksDecideAsTheTree(@ForAll("conditions") Expr rest,
            @ForAll("events") List<Map<String, Object>> events, @ForAll boolean twoTypes) throws Exception {
        FieldSlots slots = new FieldSlots();
        ConditionCompiler compiler = TestFields.compiler(slots);
        Expr condition = and(or(check("evt.type", "=", "open"), checkList("evt.type", "in", "openat", "open")),
                or(not(check("evt.type", "!=", "openat")), rest));
        CompiledCondition tree = compiler.compileTree(condition);
        java.util.BitSet codes = new java.util.BitSet();
        codes.set(2);
        if (twoTypes) {
            codes.set(3);
        }
        String[] names = {null, null, "open", "openat"};
        CompiledCondition code = compiler.generate(tree, new dev.peregrine.rules.index.EventTypeSet(codes, 4),
                c -> names[c]);
        for (Map<String, Object> event : events) {
            for (int c = 2; c <= (twoTypes ? 3 : 2); c++) {
                Map<String, Object> typed = new java.util.HashMap<>(event);
                typed.put("evt.type", names[c]);
                EvalContext a = new EvalContext(slots);
                a.reset(typed);
                EvalContext b = new EvalContext(slots);
                b.reset(typed);
                assertThat(code.matches(a)).as("%s on %s", condition, typed).isEqualTo(tree.matches(b));
            }
        }
    }

    @Test
    void generateOnFirstUse_manyThreadsAtOnce_generateOnceAndDecideAsTheTree() throws Exception {
        FieldSlots slots = new FieldSlots();
        ConditionCompiler compiler = TestFields.compiler(slots);
        Expr condition = and(checkList("proc.name", "in", "bash", "sh"), not(check("fd.name", "startswith", "/etc")));
        CompiledCondition tree = compiler.compileTree(condition);
        CompiledCondition lazy = compiler.generateOnFirstUse(tree, null, null);
        Map<String, Object> hit = ConditionCompilerTest.event("proc.name", "sh", "fd.name", "/tmp/x");
        Map<String, Object> miss = ConditionCompilerTest.event("proc.name", "sh", "fd.name", "/etc/x");
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 16; i++) {
                Map<String, Object> event = i % 2 == 0 ? hit : miss;
                results.add(pool.submit(() -> {
                    start.await();
                    EvalContext ctx = new EvalContext(slots);
                    ctx.reset(event);
                    return lazy.matches(ctx);
                }));
            }
            start.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(i % 2 == 0);
            }
        }
        assertThat(ConditionCompiler.isGenerated(lazy)).isTrue();
        assertThat(ConditionCompiler.isGenerated(tree)).isFalse();
    }

    @Test
    void generate_conditionLargerThanOneMethod_splitsAndStillDecides() throws Exception {
        // 400 checks: far beyond one method's budget, nested so that pieces split at several depths
        List<Expr> groups = new ArrayList<>();
        for (int g = 0; g < 20; g++) {
            List<Expr> checks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                checks.add(check("proc.name", "!=", "name" + g + "_" + i));
            }
            groups.add(and(checks.toArray(Expr[]::new)));
        }
        Expr all = and(or(groups.toArray(Expr[]::new)), not(check("proc.name", "=", "name3_3")));
        FieldSlots slots = new FieldSlots();
        CompiledCondition c = TestFields.compiler(slots).compile(all);
        EvalContext ctx = new EvalContext(slots);
        ctx.reset(ConditionCompilerTest.event("proc.name", "bash"));
        assertThat(c.matches(ctx)).isTrue();
        ctx.reset(ConditionCompilerTest.event("proc.name", "name3_3"));
        assertThat(c.matches(ctx)).isFalse();
        ctx.reset(ConditionCompilerTest.event("proc.name", "name7_19"));
        assertThat(c.matches(ctx)).isTrue();
        assertThat(java.util.Arrays.stream(c.getClass().getDeclaredMethods())
                .filter(m -> m.getName().matches("m\\d+")).count()).isGreaterThan(10);
    }

    @Provide
    Arbitrary<Expr> conditions() {
        return Arbitraries.integers().between(0, 4).flatMap(ConditionCodegenTest::condition);
    }

    /** Conditions nested at most {@code depth} boolean levels deep. */
    private static Arbitrary<Expr> condition(int depth) {
        Arbitrary<Expr> leaf = Arbitraries.of(LEAVES);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Expr> inner = condition(depth - 1);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, leaf),
                net.jqwik.api.Tuple.of(1, inner.map(TestFields::not)),
                net.jqwik.api.Tuple.of(2, inner.list().ofMinSize(2).ofMaxSize(5).map(l -> and(l.toArray(Expr[]::new)))),
                net.jqwik.api.Tuple.of(2, inner.list().ofMinSize(2).ofMaxSize(5).map(l -> or(l.toArray(Expr[]::new)))));
    }

    @Provide
    Arbitrary<List<Map<String, Object>>> events() {
        Arbitrary<String> names = Arbitraries.of(NAMES).injectNull(0.2);
        Arbitrary<String> paths = Arbitraries.of(PATHS).injectNull(0.2);
        Arbitrary<Long> pids = Arbitraries.of(1L, 50L, 101L, 5000L).injectNull(0.2);
        Arbitrary<List<String>> args = Arbitraries.of("-c", "ls", "-l").list().ofMaxSize(3).injectNull(0.2);
        Arbitrary<Map<String, Object>> event = Combinators.combine(names, names, paths, pids, args,
                Arbitraries.of(0L, 1000L, 7L), Arbitraries.of(true, false), Arbitraries.integers().between(0, 3))
                .as((name, pname, path, pid, cmdargs, uid, read, net) -> {
                    Map<String, Object> m = new java.util.HashMap<>();
                    put(m, "proc.name", name);
                    put(m, "proc.pname", pname);
                    put(m, "proc.cmdline", name == null ? null : name + " -c ls");
                    put(m, "fd.name", path);
                    put(m, "fd.directory", path == null ? null : path.isEmpty() ? "" : path.substring(0,
                            Math.max(1, path.lastIndexOf('/'))));
                    put(m, "proc.pid", pid);
                    put(m, "proc.cmdargs", cmdargs);
                    put(m, "user.uid", uid);
                    put(m, "evt.is_open_read", read);
                    if (net > 0) {
                        m.put("fd.sip", net == 1 ? TestFields.ip(10, 0, 0, 1) : TestFields.ip(192, 168, 0, 1));
                        m.put("fd.port", net == 3 ? List.of(22L, 80L) : List.of(22L, 4000L));
                        m.put("fd.net", m.get("fd.sip"));
                    }
                    return m;
                });
        return event.list().ofMinSize(1).ofMaxSize(6);
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
