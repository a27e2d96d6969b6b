package dev.peregrine.rules.syntax;

import static dev.peregrine.rules.syntax.ConditionParserTest.and;
import static dev.peregrine.rules.syntax.ConditionParserTest.bin;
import static dev.peregrine.rules.syntax.ConditionParserTest.f;
import static dev.peregrine.rules.syntax.ConditionParserTest.id;
import static dev.peregrine.rules.syntax.ConditionParserTest.not;
import static dev.peregrine.rules.syntax.ConditionParserTest.or;
import static dev.peregrine.rules.syntax.ConditionParserTest.parse;
import static dev.peregrine.rules.syntax.ConditionParserTest.v;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExprsTest {

    @Test
    void identifiers_checkPositionOnly_inTextOrderWithPositions() {
        Expr e = parse("spawned_process and not (shell or\n  container) and proc.name in shell_binaries "
                + "and a.b = oneof my_list and x.y = z");
        List<Expr.Identifier> ids = Exprs.identifiers(e);
        assertThat(ids).extracting(Expr.Identifier::name).containsExactly("spawned_process", "shell", "container");
        assertThat(ids.get(0).pos()).isEqualTo(new Pos(0, 1, 1));
        assertThat(ids.get(1).pos()).isEqualTo(new Pos(25, 1, 26));
        assertThat(ids.get(2).pos()).isEqualTo(new Pos(36, 2, 3));
    }

    @Test
    void listReferences_rightHandIdentifiers_only() {
        Expr e = parse("m and proc.name in shell_binaries and a.b = oneof my_list and c.d in (x, y) and e.f = g");
        assertThat(Exprs.listReferences(e)).extracting(Expr.Identifier::name)
                .containsExactly("shell_binaries", "my_list");
    }

    @Test
    void replaceIdentifiers_macroReferences_areSubstituted() {
        Map<String, Expr> macros = Map.of("spawned_process", parse("evt.type = execve and evt.dir = <"),
                "shell", parse("proc.name in (bash, sh)"));
        Expr rule = parse("spawned_process and not shell and unknown");
        Expr expanded = Exprs.replaceIdentifiers(rule, i -> macros.getOrDefault(i.name(), i));
        assertThat(expanded).isEqualTo(parse("(evt.type = execve and evt.dir = <) and not (proc.name in (bash, sh)) "
                + "and unknown"));
        assertThat(expanded).isEqualTo(and(and(bin(f("evt.type"), "=", v("execve")), bin(f("evt.dir"), "=", v("<"))),
                not(bin(f("proc.name"), "in", ConditionParserTest.list("bash", "sh"))), id("unknown")));
    }

    @Test
    void replaceIdentifiers_noChange_returnsSameInstance() {
        Expr rule = parse("a and (b or c.d = e)");
        assertThat(Exprs.replaceIdentifiers(rule, i -> i)).isSameAs(rule);
        Expr replaced = Exprs.replaceIdentifiers(rule, i -> i.name().equals("b") ? id("z") : i);
        assertThat(replaced).isEqualTo(and(id("a"), or(id("z"), bin(f("c.d"), "=", v("e")))));
        // the untouched child keeps its node (and position)
        assertThat(((Expr.And) replaced).children().get(0)).isSameAs(((Expr.And) rule).children().get(0));
    }

    @Test
    void replaceIdentifiers_rightHandIdentifiers_areLeftAlone() {
        Expr rule = parse("x.y in my_list");
        assertThat(Exprs.replaceIdentifiers(rule, i -> id("other"))).isSameAs(rule);
    }

    @Test
    void replaceIdentifiers_nullReplacement_isReported() {
        assertThatThrownBy(() -> Exprs.replaceIdentifiers(parse("a"), i -> null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("a");
    }

    @Test
    void walk_visitsEveryNodePreOrder() {
        List<String> kinds = new ArrayList<>();
        Exprs.walk(parse("not tolower(a.b) in (x) or join(\",\", (c.d)) exists"),
                n -> kinds.add(n.getClass().getSimpleName()));
        assertThat(kinds).containsExactly("Or", "Not", "BinaryCheck", "Transformer", "Field", "ListValue",
                "UnaryCheck", "Transformer", "Value", "TransformerList", "Field");
    }
}
