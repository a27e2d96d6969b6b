package dev.peregrine.rules.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvttypeInferenceTest {
    private static final EventTable TABLE = EventTable.get();

    /** Expected sets are written as set algebra over names resolved by the event table: "all", "none", "a|b", "all-a|b". */
    private static BitSet expected(String spec) {
        BitSet all = new BitSet();
        all.set(0, TABLE.size());
        if (spec.equals("all")) {
            return all;
        }
        if (spec.equals("none")) {
            return new BitSet();
        }
        boolean complement = spec.startsWith("all-");
        BitSet named = new BitSet();
        for (String n : (complement ? spec.substring(4) : spec).split("\\|")) {
            for (int c : TABLE.codesForTypeName(n)) {
                named.set(c);
            }
        }
        if (complement) {
            all.andNot(named);
            return all;
        }
        return named;
    }

    static Stream<Arguments> conditions() {
        return Stream.of(
                Arguments.of("evt.type=execve", "execve"),
                Arguments.of("evt.type==execve", "execve"),
                Arguments.of("evt.type!=execve", "all-execve"),
                Arguments.of("not evt.type=execve", "all-execve"),
                Arguments.of("not evt.type!=execve", "execve"),
                Arguments.of("not not evt.type=execve", "execve"),
                Arguments.of("evt.type in (open, connect)", "open|connect"),
                Arguments.of("not evt.type in (open, connect)", "all-open|connect"),
                Arguments.of("evt.type=execve and proc.name=foo", "execve"),
                Arguments.of("evt.type=execve and not proc.name=foo", "execve"),
                Arguments.of("evt.type=execve and proc.name!=foo", "execve"),
                Arguments.of("evt.type=execve and proc.name=foo or evt.type=open", "execve|open"),
                Arguments.of("evt.type=execve and proc.name=foo or evt.type=open or not evt.type=connect", "all-connect"),
                Arguments.of("proc.name=foo", "all"),
                Arguments.of("not proc.name=foo", "all"),
                Arguments.of("not (evt.type=open and proc.name=foo)", "all"),
                Arguments.of("not (evt.type=open or evt.type=execve)", "all-open|execve"),
                Arguments.of("not (evt.type=open and evt.type=execve)", "all"),
                Arguments.of("evt.type=open and evt.type=execve", "none"),
                Arguments.of("evt.type=open and evt.type!=open", "none"),
                Arguments.of("evt.type=execve and not evt.type=execve", "none"),
                Arguments.of("evt.type=madvise", "madvise"),
                Arguments.of("evt.type in (open, madvise)", "open|madvise"),
                Arguments.of("evt.type=nosuchevent", "none"),
                Arguments.of("evt.type!=nosuchevent", "all"),
                Arguments.of("evt.type=container", "container"),
                Arguments.of("syscall.type=open", "open"),
                Arguments.of("evt.type exists", "all"),
                Arguments.of("not evt.type exists", "none"),
                Arguments.of("proc.name exists", "all"),
                Arguments.of("not proc.name exists", "all"),
                Arguments.of("evt.type startswith op", "all"),
                Arguments.of("not evt.type startswith op", "all"),
                Arguments.of("evt.type[1]=open", "all"),
                Arguments.of("some_macro", "all"),
                Arguments.of("not some_macro", "all"),
                Arguments.of("evt.num=0", "none"),
                Arguments.of("evt.num!=0", "all"),
                Arguments.of("not evt.num=0", "all"),
                Arguments.of("not evt.num!=0", "none"),
                Arguments.of("evt.num<1", "none"),
                Arguments.of("evt.num<=0", "none"),
                Arguments.of("evt.num>0", "all"),
                Arguments.of("evt.num>=1", "all"),
                Arguments.of("evt.num=-1", "all"),
                Arguments.of("evt.num<-1", "all"),
                Arguments.of("evt.num in (0, 00)", "none"),
                Arguments.of("evt.num in (0, 1)", "all"),
                Arguments.of("evt.num=0 or evt.type=open", "open"),
                Arguments.of("evt.num>0 and evt.type=open", "open"),
                // libsinsp quirk: a value inside a transformer marks the check as event-named, so negation empties it
                Arguments.of("not concat(proc.name, \"x\") = y", "none"),
                Arguments.of("concat(proc.name, \"x\") = y", "all"),
                Arguments.of("tolower(proc.name) = evt.type", "all"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("conditions")
    void infer_condition_matchesLibsinspSet(String condition, String spec) {
        EventTypeSet s = EvttypeInference.infer(TestConditions.parse(condition), TABLE);
        assertThat(s.codes()).isEqualTo(expected(spec));
    }

    @Test
    void infer_rightHandField_throwsLibsinspMessage() {
        Expr e = TestConditions.parse("evt.type = val(proc.name)");
        assertThatThrownBy(() -> EvttypeInference.infer(e, TABLE))
                .isInstanceOf(EvttypeInferenceException.class)
                .hasMessage("right-hand field comparisons on `evt.type`/`syscall.type` checks are not supported by event"
                        + " code search");
    }

    @Test
    void infer_evttypeInTransformer_throwsLibsinspMessage() {
        assertThatThrownBy(() -> EvttypeInference.infer(TestConditions.parse("tolower(evt.type) = open"), TABLE))
                .isInstanceOf(EvttypeInferenceException.class)
                .hasMessage("event code search does not support `evt.type` checks with transformers");
        assertThatThrownBy(() -> EvttypeInference.infer(TestConditions.parse("evt.type = val(evt.type)"), TABLE))
                .isInstanceOf(EvttypeInferenceException.class)
                .hasMessage("event code search does not support `evt.type` checks with transformers");
    }

    @Test
    void infer_treeBuiltDirectly_sameAsParsed() {
        Expr direct = new Expr.And(List.of(
                new Expr.BinaryCheck(new Expr.Field("evt.type", null, Pos.START), "in",
                        new Expr.ListValue(List.of("open", "openat"), Pos.START), Pos.START),
                new Expr.Not(new Expr.BinaryCheck(new Expr.Field("fd.name", null, Pos.START), "startswith",
                        new Expr.Value("/etc", Pos.START), Pos.START), Pos.START)), Pos.START);
        assertThat(EvttypeInference.infer(direct, TABLE).codes()).isEqualTo(expected("open|openat"));
    }

    /** falco-testing TestFalco_Legacy_TestWarnings: the rules Falco warns LOAD_NO_EVTTYPE for. */
    @Test
    void matchesTooManyEventTypes_falcoTestingWarningRules_matchFalcoWarnings() throws Exception {
        Path base = upstream().resolve("falco-testing");
        // the file has "desc: != ..." lines, which are YAML tags a strict loader rejects (Falco's yaml-cpp does not):
        // read the rule names and their one-line conditions as text
        Set<String> warned = new TreeSet<>();
        String rule = null;
        int rulesSeen = 0;
        for (String line : Files.readAllLines(base.resolve("rules/falco_rules_warnings.yaml"))) {
            if (line.startsWith("- rule:")) {
                rule = line.substring("- rule:".length()).strip();
            } else if (rule != null && line.strip().startsWith("condition:")) {
                String condition = line.strip().substring("condition:".length()).strip();
                rulesSeen++;
                if (EvttypeInference.infer(TestConditions.parse(condition), TABLE).matchesTooManyEventTypes()) {
                    warned.add(rule);
                }
                rule = null;
            }
        }
        assertThat(rulesSeen).isGreaterThan(20);
        // cases.yaml holds YAML tags that a plain loader rejects: scan the case's warning entries as text
        Set<String> expected = new TreeSet<>();
        List<String> lines = Files.readAllLines(base.resolve("cases.yaml"));
        boolean inCase = false;
        String code = null;
        for (String line : lines) {
            String t = line.strip();
            if (line.startsWith("- id:")) {
                inCase = t.equals("- id: TestFalco_Legacy_TestWarnings");
            } else if (inCase && t.startsWith("- code:")) {
                code = t.substring("- code:".length()).strip();
            } else if (inCase && t.startsWith("item_name:") && "LOAD_NO_EVTTYPE".equals(code)) {
                expected.add(t.substring("item_name:".length()).strip());
            }
        }
        assertThat(expected).hasSize(9);
        assertThat(warned).isEqualTo(expected);
    }

    static Path upstream() {
        String p = System.getProperty("peregrine.upstream");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("/work/shared/upstream");
    }
}
