package dev.peregrine.rules.compile;

import static dev.peregrine.rules.compile.TestFields.check;
import static dev.peregrine.rules.compile.TestFields.checkList;
import static dev.peregrine.rules.compile.TestFields.checkVal;
import static dev.peregrine.rules.compile.TestFields.f;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalogs;
import dev.peregrine.rules.syntax.Expr;
import org.junit.jupiter.api.Test;

/** Type checks against the real syscall field catalog and event table. */
class RealCatalogCompileTest {
    private final ConditionCompiler cc = new ConditionCompiler(FieldCatalogs.forSource("syscall").orElseThrow(),
            ExtractorBinding.UNBOUND, new FieldSlots(), EventTable.get());

    @Test
    void compile_typicalRuleChecks_compile() throws Exception {
        for (Expr e : new Expr[] {
            checkList("evt.type", "in", "open", "openat", "execve"),
            check("evt.dir", "=", "<"),
            checkList("fd.net", "in", "127.0.0.1/24", "::1/128"),
            check(f("proc.aname", "2"), "=", "sshd"),
            check("evt.rawres", "<", "0"),
            check("fd.sport", "=", "443"),
            checkList("fd.name", "pmatch", "/etc", "/usr/bin"),
            check("proc.cmdline", "contains", "-c"),
            check("evt.buffer", "bcontains", "7f454c46"),
            check("user.uid", "=", "0"),
            check("fd.sip", "=", "10.0.0.1"),
            checkVal("proc.name", "=", "proc.pname"),
        }) {
            assertThat(cc.compile(e)).as(e.toString()).isNotNull();
        }
    }

    @Test
    void compile_unknownEventTypeAndField_areClassified() {
        assertThatThrownBy(() -> cc.compile(check("evt.type", "=", "some_invalid_event")))
                .isInstanceOfSatisfying(CompileException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CompileException.Kind.UNKNOWN_EVENT_TYPE);
                    assertThat(e.getMessage()).isEqualTo("unknown event type some_invalid_event");
                });
        assertThatThrownBy(() -> cc.compile(check("proc.nobody", "=", "cat")))
                .isInstanceOfSatisfying(CompileException.class, e -> {
                    assertThat(e.kind()).isEqualTo(CompileException.Kind.UNKNOWN_FIELD);
                    assertThat(e.getMessage()).isEqualTo("filter_check called with nonexistent field proc.nobody");
                });
    }

    @Test
    void compile_noRhsField_rejectsVal() {
        assertThatThrownBy(() -> cc.compile(checkVal("proc.name", "=", "proc.aname")))
                .hasMessage("field 'proc.aname' can't be used as a right-hand side field");
    }
}
