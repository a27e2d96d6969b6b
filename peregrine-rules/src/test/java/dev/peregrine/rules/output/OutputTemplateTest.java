package dev.peregrine.rules.output;

import static dev.peregrine.rules.compile.TestFields.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.EvalContext;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.compile.TestFields;
import dev.peregrine.rules.fields.ResolvedField;
import dev.peregrine.rules.syntax.Pos;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTemplateTest {
    private final FieldSlots slots = new FieldSlots();

    private OutputTemplate template(String format) throws CompileException {
        return OutputTemplate.compile(format, TestFields.CATALOG, TestFields.BINDING, slots);
    }

    private EvalContext ctx(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        EvalContext ctx = new EvalContext(slots);
        ctx.reset(m);
        return ctx;
    }

    @Test
    void render_fieldsAndText_substitutesValues() throws Exception {
        OutputTemplate t = template("Shell spawned (user=%user.uid shell=%proc.name pid=%proc.pid)");
        assertThat(t.render(ctx("user.uid", 0L, "proc.name", "bash", "proc.pid", 42L)))
                .isEqualTo("Shell spawned (user=0 shell=bash pid=42)");
    }

    @Test
    void render_missingValue_printsNA() throws Exception {
        OutputTemplate t = template("name=%proc.name file=%fd.name");
        assertThat(t.render(ctx("proc.name", "cat"))).isEqualTo("name=cat file=<NA>");
    }

    @Test
    void render_width_padsAndTruncates() throws Exception {
        OutputTemplate t = template("[%5proc.name][%2proc.pid]");
        assertThat(t.render(ctx("proc.name", "sh", "proc.pid", 12345L))).isEqualTo("[sh   ][12]");
        assertThat(t.render(ctx())).isEqualTo("[<NA> ][<N]");
    }

    @Test
    void render_argumentsAndDotArguments_resolve() throws Exception {
        OutputTemplate t = template("%proc.env[HOME] %evt.arg.flags %proc.aname[2]");
        assertThat(t.render(ctx("proc.env[HOME]", "/root", "evt.arg[flags]", "O_RDONLY", "proc.aname[2]", "init")))
                .isEqualTo("/root O_RDONLY init");
    }

    @Test
    void render_transformers_applyToValue() throws Exception {
        OutputTemplate t = template("%tolower(proc.name)|%toupper(proc.name)|%basename(fd.name)|%len(proc.cmdargs)");
        assertThat(t.render(ctx("proc.name", "BaSh", "fd.name", "/etc/passwd", "proc.cmdargs", List.of("a", "b"))))
                .isEqualTo("bash|BASH|passwd|2");
        OutputTemplate j = template("args=%join(\",\", proc.cmdargs).");
        assertThat(j.render(ctx("proc.cmdargs", List.of("a", "b")))).isEqualTo("args=a,b.");
    }

    @Test
    void render_typedValues_printAsLibsinsp() throws Exception {
        OutputTemplate t = template("%evt.is_open_read %fd.sip %evt.num %evt.d %proc.cmdargs %evt.i8");
        assertThat(t.render(ctx("evt.is_open_read", true, "fd.sip", ip(10, 0, 0, 1), "evt.num", -1L,
                "evt.d", 2.25, "proc.cmdargs", List.of("-a", "-b"), "evt.i8", 255L)))
                .isEqualTo("true 10.0.0.1 18446744073709551615 2.2 (-a,-b) -1");
    }

    @Test
    void render_longestCompilablePrefix_isTheToken() throws Exception {
        OutputTemplate t = template("%proc.names %proc.name.");
        assertThat(t.render(ctx("proc.name", "x"))).isEqualTo("xs x.");
    }

    @Test
    void compile_starPrefix_isDropped() throws Exception {
        OutputTemplate t = template("*%proc.name");
        assertThat(t.requireAllValues()).isFalse();
        assertThat(t.render(ctx("proc.name", "a"))).isEqualTo("a");
        assertThat(template("%proc.name").requireAllValues()).isTrue();
    }

    @Test
    void outputFields_areTypedAsJson() throws Exception {
        OutputTemplate t = template("%proc.name %proc.pid %evt.is_open_read %fd.sip %proc.cmdargs %fd.name "
                + "%evt.num %tolower(proc.pname)");
        Map<String, Object> out = t.outputFields(ctx("proc.name", "bash", "proc.pid", 7L, "evt.is_open_read", false,
                "fd.sip", ip(1, 2, 3, 4), "proc.cmdargs", List.of("x"), "evt.num", -1L, "proc.pname", "SSHD"));
        assertThat(out.keySet()).containsExactly("proc.name", "proc.pid", "evt.is_open_read", "fd.sip",
                "proc.cmdargs", "fd.name", "evt.num", "proc.pname");
        assertThat(out.get("proc.name")).isEqualTo("bash");
        assertThat(out.get("proc.pid")).isEqualTo(7L);
        assertThat(out.get("evt.is_open_read")).isEqualTo(false);
        assertThat(out.get("fd.sip")).isEqualTo("1.2.3.4");
        assertThat(out.get("proc.cmdargs")).isEqualTo(List.of("x"));
        assertThat(out.get("evt.num")).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(out.get("proc.pname")).isEqualTo("SSHD");
        assertThat(out.get("fd.name")).isNull();
        assertThat(out).containsKey("fd.name");
        assertThat(t.outputFieldNames()).doesNotContain("tolower(proc.pname)");
    }

    @Test
    void fields_listsResolvedFieldsInOrder() throws Exception {
        OutputTemplate t = template("%proc.name %tolower(fd.name) %proc.name %proc.env[X]");
        assertThat(t.fields()).extracting(ResolvedField::text).containsExactly("proc.name", "fd.name", "proc.env[X]");
    }

    @Test
    void compile_sharesSlotsWithConditions() throws Exception {
        TestFields.compiler(slots).compile(TestFields.check("proc.name", "=", "a"));
        int before = slots.size();
        template("%proc.name");
        assertThat(slots.size()).isEqualTo(before);
    }

    @Test
    void compile_unknownField_reportsFalcoMessage() {
        assertThatThrownBy(() -> template("An open was seen %not_a_real_field"))
                .isInstanceOfSatisfying(CompileException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("invalid formatting token not_a_real_field");
                    assertThat(e.kind()).isEqualTo(CompileException.Kind.UNKNOWN_FIELD);
                    assertThat(e.pos()).isEqualTo(new Pos(17, 1, 18));
                });
        assertThatThrownBy(() -> template("proc.nobody=%proc.nobody"))
                .isInstanceOf(CompileException.class).hasMessage("invalid formatting token proc.nobody");
        assertThatThrownBy(() -> template("x %tolower(proc.nobody) y"))
                .isInstanceOf(CompileException.class).hasMessage("invalid formatting token tolower(proc.nobody)");
        assertThatThrownBy(() -> template("a\nb %proc.nobody[3] c"))
                .isInstanceOfSatisfying(CompileException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("invalid formatting token proc.nobody[3]");
                    assertThat(e.pos()).isEqualTo(new Pos(4, 2, 3));
                });
    }

    @Test
    void compile_malformedFormats_areRejected() {
        assertThatThrownBy(() -> template("")).hasMessage("empty formatting token");
        assertThatThrownBy(() -> template("abc %"))
                .hasMessage("invalid formatting syntax: formatting cannot end with a %");
        assertThatThrownBy(() -> template("abc %12"))
                .hasMessage("invalid formatting syntax: formatting cannot end with a number");
        assertThatThrownBy(() -> template("%tolower(proc.pid)")).hasMessage(
                "can't add field transformer: type 'INT64' is not supported by 'tolower' transformer applied on "
                        + "field 'proc.pid'");
        assertThatThrownBy(() -> template("100% sure")).isInstanceOf(CompileException.class);
    }
}
