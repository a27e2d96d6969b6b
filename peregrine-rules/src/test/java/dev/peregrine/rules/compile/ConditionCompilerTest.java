package dev.peregrine.rules.compile;

import static dev.peregrine.rules.compile.TestFields.and;
import static dev.peregrine.rules.compile.TestFields.check;
import static dev.peregrine.rules.compile.TestFields.checkList;
import static dev.peregrine.rules.compile.TestFields.checkVal;
import static dev.peregrine.rules.compile.TestFields.exists;
import static dev.peregrine.rules.compile.TestFields.f;
import static dev.peregrine.rules.compile.TestFields.ip;
import static dev.peregrine.rules.compile.TestFields.not;
import static dev.peregrine.rules.compile.TestFields.or;
import static dev.peregrine.rules.compile.TestFields.tr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionCompilerTest {

    private static boolean eval(Expr cond, Object... kv) throws CompileException {
        FieldSlots slots = new FieldSlots();
        CompiledCondition c = TestFields.compiler(slots).compile(cond);
        EvalContext ctx = new EvalContext(slots);
        ctx.reset(event(kv));
        return c.matches(ctx);
    }

    static Map<String, Object> event(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static CompileException error(Expr cond) {
        try {
            TestFields.compiler(new FieldSlots()).compile(cond);
        } catch (CompileException e) {
            return e;
        }
        throw new AssertionError("compiled: " + cond);
    }

    private static Expr checkList2(Expr left, String op, String... values) {
        return new Expr.BinaryCheck(left, op, new Expr.ListValue(List.of(values), Pos.START), Pos.START);
    }

    // ---- strings

    @Test
    void compile_stringEquality_matchesExactly() throws Exception {
        assertThat(eval(check("proc.name", "=", "bash"), "proc.name", "bash")).isTrue();
        assertThat(eval(check("proc.name", "==", "bash"), "proc.name", "bash")).isTrue();
        assertThat(eval(check("proc.name", "=", "bash"), "proc.name", "bash2")).isFalse();
        assertThat(eval(check("proc.name", "!=", "bash"), "proc.name", "sh")).isTrue();
        assertThat(eval(check("proc.name", "!=", "bash"), "proc.name", "bash")).isFalse();
    }

    @Test
    void compile_missingField_everyOperatorIsFalse() throws Exception {
        for (String op : List.of("=", "!=", "<", ">=", "contains", "icontains", "startswith", "endswith", "glob",
                "iglob", "regex", "pmatch", "in", "intersects")) {
            assertThat(eval(check("proc.name", op, "x"))).as(op).isFalse();
        }
        assertThat(eval(check("proc.pid", "!=", "1"))).isFalse();
        assertThat(eval(check("fd.sip", "!=", "1.2.3.4"))).isFalse();
        assertThat(eval(exists("proc.name"))).isFalse();
        assertThat(eval(exists("proc.name"), "proc.name", "")).isTrue();
        assertThat(eval(not(check("proc.name", "!=", "x")))).isTrue();
    }

    @Test
    void compile_substringOperators_followC() throws Exception {
        assertThat(eval(check("proc.cmdline", "contains", "-c"), "proc.cmdline", "bash -c ls")).isTrue();
        assertThat(eval(check("proc.cmdline", "contains", "-C"), "proc.cmdline", "bash -c ls")).isFalse();
        assertThat(eval(check("proc.cmdline", "icontains", "BaSh -C"), "proc.cmdline", "bash -c ls")).isTrue();
        assertThat(eval(check("proc.cmdline", "startswith", "bash"), "proc.cmdline", "bash -c")).isTrue();
        assertThat(eval(check("proc.cmdline", "startswith", "sh"), "proc.cmdline", "bash -c")).isFalse();
        assertThat(eval(check("proc.cmdline", "endswith", "-c"), "proc.cmdline", "bash -c")).isTrue();
        assertThat(eval(check("proc.cmdline", "contains", ""), "proc.cmdline", "x")).isTrue();
    }

    @Test
    void compile_stringOrdering_isByteOrder() throws Exception {
        assertThat(eval(check("proc.name", "<", "b"), "proc.name", "a")).isTrue();
        assertThat(eval(check("proc.name", "<", "B"), "proc.name", "a")).isFalse();
        assertThat(eval(check("proc.name", "<=", "a"), "proc.name", "a")).isTrue();
        assertThat(eval(check("proc.name", ">", "ab"), "proc.name", "abc")).isTrue();
        assertThat(eval(check("proc.name", ">=", "b"), "proc.name", "a")).isFalse();
    }

    @Test
    void compile_glob_isFnmatchWithoutFlags() throws Exception {
        assertThat(eval(check("fd.name", "glob", "/etc/*"), "fd.name", "/etc/a/b")).isTrue();
        assertThat(eval(check("fd.name", "glob", "/etc/?asswd"), "fd.name", "/etc/passwd")).isTrue();
        assertThat(eval(check("fd.name", "glob", "/etc/[a-p]asswd"), "fd.name", "/etc/passwd")).isTrue();
        assertThat(eval(check("fd.name", "glob", "/etc/[!p]asswd"), "fd.name", "/etc/passwd")).isFalse();
        assertThat(eval(check("fd.name", "glob", "*.txt"), "fd.name", ".hidden.txt")).isTrue();
        assertThat(eval(check("fd.name", "glob", "a\\*b"), "fd.name", "a*b")).isTrue();
        assertThat(eval(check("fd.name", "glob", "a\\*b"), "fd.name", "axb")).isFalse();
        assertThat(eval(check("fd.name", "glob", "[[:digit:]]x"), "fd.name", "7x")).isTrue();
        assertThat(eval(check("fd.name", "glob", "/ETC/*"), "fd.name", "/etc/x")).isFalse();
        assertThat(eval(check("fd.name", "iglob", "/ETC/*"), "fd.name", "/etc/x")).isTrue();
        assertThat(eval(check("fd.name", "glob", "abc"), "fd.name", "abcd")).isFalse();
        assertThat(eval(check("fd.name", "glob", "[ab"), "fd.name", "[ab")).isTrue();
    }

    @Test
    void compile_regex_matchesWholeValue() throws Exception {
        assertThat(eval(check("proc.name", "regex", "ba.h"), "proc.name", "bash")).isTrue();
        assertThat(eval(check("proc.name", "regex", "as"), "proc.name", "bash")).isFalse();
        assertThat(eval(check("proc.name", "regex", ".*as.*"), "proc.name", "bash")).isTrue();
        assertThat(eval(check("proc.name", "regex", "^b.*$"), "proc.name", "bash")).isTrue();
    }

    @Test
    void compile_pmatch_matchesPathComponentPrefixes() throws Exception {
        Expr c = checkList("fd.name", "pmatch", "/usr/bin", "/etc/*/conf", "/var/lib/");
        assertThat(eval(c, "fd.name", "/usr/bin")).isTrue();
        assertThat(eval(c, "fd.name", "/usr/bin/ls")).isTrue();
        assertThat(eval(c, "fd.name", "/usr//bin/ls")).isTrue();
        assertThat(eval(c, "fd.name", "/usr/binx")).isFalse();
        assertThat(eval(c, "fd.name", "/usr")).isFalse();
        assertThat(eval(c, "fd.name", "/etc/nginx/conf/a.conf")).isTrue();
        assertThat(eval(c, "fd.name", "/etc/nginx/confx")).isFalse();
        assertThat(eval(c, "fd.name", "/var/lib/x")).isTrue();
        assertThat(eval(checkList("fd.name", "pmatch", "/"), "fd.name", "/anything")).isTrue();
        assertThat(eval(checkList("fd.name", "pmatch", "/a", "/a/b"), "fd.name", "/a/c")).isTrue();
    }

    @Test
    void compile_in_usesSetMembership() throws Exception {
        Expr c = checkList("proc.name", "in", "bash", "sh", "zsh");
        assertThat(eval(c, "proc.name", "sh")).isTrue();
        assertThat(eval(c, "proc.name", "ksh")).isFalse();
        assertThat(eval(checkList("proc.name", "intersects", "a", "b"), "proc.name", "b")).isTrue();
        assertThat(eval(checkList("proc.name", "in"), "proc.name", "b")).isFalse();
    }

    @Test
    void compile_modifiers_oneofAnyofAllof() throws Exception {
        assertThat(eval(checkList("proc.cmdline", "startswith oneof", "a", "b"), "proc.cmdline", "abc")).isTrue();
        assertThat(eval(checkList("proc.cmdline", "startswith oneof", "a", "ab"), "proc.cmdline", "abc")).isFalse();
        assertThat(eval(checkList("proc.cmdline", "startswith anyof", "a", "ab"), "proc.cmdline", "abc")).isTrue();
        assertThat(eval(checkList("proc.cmdline", "startswith allof", "a", "ab"), "proc.cmdline", "abc")).isTrue();
        assertThat(eval(checkList("proc.cmdline", "contains allof", "a", "z"), "proc.cmdline", "abc")).isFalse();
        assertThat(eval(checkList("proc.cmdline", "= anyof", "x", "abc"), "proc.cmdline", "abc")).isTrue();
        assertThat(eval(checkList("proc.cmdline", "!= allof", "x", "abc"), "proc.cmdline", "abc")).isFalse();
        assertThat(eval(checkList("proc.cmdline", "!= allof", "x", "y"), "proc.cmdline", "abc")).isTrue();
        assertThat(eval(checkList("proc.cmdline", "= oneof", "abc", "abc"), "proc.cmdline", "abc")).isFalse();
        assertThat(eval(checkList("proc.cmdline", "regex anyof", "x.*", "a.c"), "proc.cmdline", "abc")).isTrue();
        assertThat(eval(checkList("proc.cmdline", "endswith anyof"), "proc.cmdline", "abc")).isFalse();
        assertThat(eval(checkList("proc.pid", "> allof", "1", "5"), "proc.pid", 10L)).isTrue();
        assertThat(eval(checkList("proc.pid", "> oneof", "1", "5"), "proc.pid", 3L)).isTrue();
    }

    // ---- numbers

    @Test
    void compile_signedNumbers_compareSigned() throws Exception {
        assertThat(eval(check("proc.pid", "=", "42"), "proc.pid", 42L)).isTrue();
        assertThat(eval(check("proc.pid", "<", "0"), "proc.pid", -1L)).isTrue();
        assertThat(eval(check("proc.pid", ">=", "-5"), "proc.pid", -5L)).isTrue();
        assertThat(eval(check("proc.pid", "=", "+7"), "proc.pid", 7L)).isTrue();
        assertThat(eval(check("evt.rawres", "<", "0"), "evt.rawres", -2L)).isTrue();
        assertThat(eval(check("evt.i8", "=", "-1"), "evt.i8", 255L)).isTrue();
        assertThat(eval(checkList("proc.pid", "in", "1", "2", "3", "10", "20"), "proc.pid", 20L)).isTrue();
        assertThat(eval(checkList("proc.pid", "in", "1", "2", "3", "10", "20"), "proc.pid", 4L)).isFalse();
    }

    @Test
    void compile_unsignedNumbers_compareUnsignedAtFieldWidth() throws Exception {
        assertThat(eval(check("evt.num", ">", "5"), "evt.num", -1L)).isTrue();
        assertThat(eval(check("evt.num", "=", "18446744073709551615"), "evt.num", -1L)).isTrue();
        assertThat(eval(check("user.uid", "=", "4294967295"), "user.uid", -1L)).isTrue();
        assertThat(eval(check("user.uid", "=", "-1"), "user.uid", 4294967295L)).isTrue();
        assertThat(eval(check("evt.u8", "=", "300"), "evt.u8", 44L)).isTrue();
        assertThat(eval(check("fd.sport", "=", "443"), "fd.sport", 443L)).isTrue();
        assertThat(eval(check("fd.sport", "=", "https"), "fd.sport", 443L)).isTrue();
        assertThat(eval(checkList("fd.sport", "in", "80", "443"), "fd.sport", 80L)).isTrue();
        assertThat(eval(check("evt.time", "<=", "100"), "evt.time", 100L)).isTrue();
        assertThat(eval(check("evt.flags", "!=", "3"), "evt.flags", 4L)).isTrue();
    }

    @Test
    void compile_double_parsesIntegerConstants() throws Exception {
        assertThat(eval(check("evt.d", ">", "2"), "evt.d", 2.5)).isTrue();
        assertThat(eval(check("evt.d", "=", "2"), "evt.d", 2.0)).isTrue();
    }

    @Test
    void compile_bool_comparesTrueFalse() throws Exception {
        assertThat(eval(check("evt.is_open_read", "=", "true"), "evt.is_open_read", true)).isTrue();
        assertThat(eval(check("evt.is_open_read", "=", "false"), "evt.is_open_read", true)).isFalse();
        assertThat(eval(check("evt.is_open_read", "!=", "false"), "evt.is_open_read", true)).isTrue();
        assertThat(eval(checkList("evt.is_open_read", "in", "true"), "evt.is_open_read", true)).isTrue();
    }

    // ---- addresses

    @Test
    void compile_ipv4Address_comparesBytes() throws Exception {
        assertThat(eval(check("fd.sip", "=", "10.0.0.1"), "fd.sip", ip(10, 0, 0, 1))).isTrue();
        assertThat(eval(check("fd.sip", "=", "10.0.0.1"), "fd.sip", ip(10, 0, 0, 2))).isFalse();
        assertThat(eval(check("fd.cip4", "=", "127.0.0.1"), "fd.cip4", ip(127, 0, 0, 1))).isTrue();
        assertThat(eval(checkList("fd.sip", "in", "1.1.1.1", "10.0.0.1"), "fd.sip", ip(10, 0, 0, 1))).isTrue();
    }

    @Test
    void compile_ipv6Address_comparesBytesAndFamilies() throws Exception {
        byte[] loop6 = new byte[16];
        loop6[15] = 1;
        assertThat(eval(check("fd.sip", "=", "::1"), "fd.sip", loop6)).isTrue();
        assertThat(eval(check("fd.sip6", "=", "0:0:0:0:0:0:0:1"), "fd.sip6", loop6)).isTrue();
        assertThat(eval(check("fd.sip", "=", "::1"), "fd.sip", ip(127, 0, 0, 1))).isFalse();
        assertThat(eval(check("fd.sip", "!=", "::1"), "fd.sip", ip(127, 0, 0, 1))).isTrue();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 1;
        mapped[15] = 4;
        assertThat(eval(check("fd.sip6", "=", "::ffff:1.0.0.4"), "fd.sip6", mapped)).isTrue();
        // libsinsp parses an IPADDR constant containing '.' as IPv4
        assertThat(error(check("fd.sip", "=", "::ffff:1.0.0.4")).getMessage())
                .isEqualTo("unrecognized IPv4 address ::ffff:1.0.0.4");
    }

    @Test
    void compile_network_matchesCidr() throws Exception {
        assertThat(eval(checkList("fd.net", "in", "127.0.0.1/24"), "fd.net", ip(127, 0, 0, 200))).isTrue();
        assertThat(eval(checkList("fd.net", "in", "127.0.0.1/24"), "fd.net", ip(127, 0, 1, 1))).isFalse();
        assertThat(eval(check("fd.net", "=", "10.0.0.0/8"), "fd.net", ip(10, 9, 9, 9))).isTrue();
        assertThat(eval(check("fd.net", "!=", "10.0.0.0/8"), "fd.net", ip(10, 9, 9, 9))).isFalse();
        assertThat(eval(check("fd.net", "=", "0.0.0.0/0"), "fd.net", ip(8, 8, 8, 8))).isTrue();
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = (byte) 0xb8;
        v6[15] = 9;
        assertThat(eval(check("fd.net", "=", "2001:db8::/32"), "fd.net", v6)).isTrue();
        assertThat(eval(check("fd.net", "=", "2001:db9::/32"), "fd.net", v6)).isFalse();
        assertThat(eval(check("fd.net", "=", "10.0.0.0/8"), "fd.net", v6)).isFalse();
        assertThat(eval(check("fd.net", "!=", "10.0.0.0/8"), "fd.net", v6)).isTrue();
    }

    // ---- buffers

    @Test
    void compile_bytebuf_supportsHexAndTextOperators() throws Exception {
        byte[] buf = {0x7f, 'E', 'L', 'F', 0, 1};
        assertThat(eval(check("evt.buffer", "bstartswith", "7f454c46"), "evt.buffer", buf)).isTrue();
        assertThat(eval(check("evt.buffer", "bcontains", "4C4600"), "evt.buffer", buf)).isTrue();
        assertThat(eval(check("evt.buffer", "bcontains", "4c4601"), "evt.buffer", buf)).isFalse();
        assertThat(eval(check("evt.buffer", "contains", "ELF"), "evt.buffer", buf)).isTrue();
        assertThat(eval(check("evt.buffer", "=", "ELF"), "evt.buffer", new byte[] {'E', 'L', 'F'})).isTrue();
        assertThat(eval(check("evt.buffer", "endswith", "LF"), "evt.buffer", new byte[] {'E', 'L', 'F'})).isTrue();
    }

    // ---- lists

    @Test
    void compile_listField_inNeedsAllIntersectsNeedsOne() throws Exception {
        Expr in = checkList("proc.cmdargs", "in", "-a", "-b", "-c");
        Expr inter = checkList("proc.cmdargs", "intersects", "-a", "-z");
        assertThat(eval(in, "proc.cmdargs", List.of("-a", "-c"))).isTrue();
        assertThat(eval(in, "proc.cmdargs", List.of("-a", "-x"))).isFalse();
        assertThat(eval(in, "proc.cmdargs", List.of())).isTrue();
        assertThat(eval(inter, "proc.cmdargs", List.of("-q", "-a"))).isTrue();
        assertThat(eval(inter, "proc.cmdargs", List.of("-q"))).isFalse();
        assertThat(eval(inter, "proc.cmdargs", List.of())).isFalse();
        assertThat(eval(checkList("evt.nums", "in", "1", "2"), "evt.nums", List.of(2L, 1L))).isTrue();
        assertThat(eval(checkList("k8s.ips", "intersects", "10.0.0.1"), "k8s.ips",
                List.of(ip(1, 1, 1, 1), ip(10, 0, 0, 1)))).isTrue();
        assertThat(eval(checkList("k8s.nets", "in", "10.0.0.0/8"), "k8s.nets",
                List.of(ip(10, 1, 1, 1), ip(10, 0, 0, 1)))).isTrue();
        assertThat(eval(exists("proc.cmdargs"), "proc.cmdargs", List.of())).isTrue();
    }

    @Test
    void compile_singleFieldWithSeveralValues_matchesAny() throws Exception {
        assertThat(eval(check("proc.aname", "=", "sshd"), "proc.aname", List.of("bash", "sshd"))).isTrue();
        assertThat(eval(check("proc.aname", "=", "init"), "proc.aname", List.of("bash", "sshd"))).isFalse();
    }

    @Test
    void compile_socketFieldsWithBothEnds_notEqualNeedsBothToDiffer() throws Exception {
        List<byte[]> ends = List.of(ip(10, 0, 0, 1), ip(10, 0, 0, 2));
        assertThat(eval(check("fd.ip", "=", "10.0.0.2"), "fd.ip", ends)).isTrue();
        assertThat(eval(check("fd.ip", "!=", "10.0.0.2"), "fd.ip", ends)).isFalse();
        assertThat(eval(check("fd.ip", "!=", "10.0.0.3"), "fd.ip", ends)).isTrue();
        assertThat(eval(check("fd.ip", "!=", "10.0.0.3"), "fd.ip", List.of())).isFalse();
        assertThat(eval(check("fd.port", "!=", "80"), "fd.port", List.of(80L, 5555L))).isFalse();
        assertThat(eval(check("fd.port", "<", "100"), "fd.port", List.of(80L, 5555L))).isTrue();
        assertThat(eval(check("fd.net", "!=", "10.0.0.0/8"), "fd.net", ends)).isFalse();
        // ancestor-style fields: any value satisfying the operator is enough, also for "!="
        assertThat(eval(check("proc.aname", "!=", "bash"), "proc.aname", List.of("bash", "sshd"))).isTrue();
    }

    // ---- event types and arguments

    @Test
    void compile_evtType_comparesNames() throws Exception {
        assertThat(eval(check("evt.type", "=", "open"), "evt.type", "open")).isTrue();
        assertThat(eval(checkList("evt.type", "in", "open", "openat"), "evt.type", "openat")).isTrue();
        assertThat(eval(check("evt.dir", "=", "<"), "evt.dir", "<")).isTrue();
        assertThat(eval(check("evt.dir", "=", ">"), "evt.dir", "<")).isFalse();
    }

    @Test
    void compile_fieldArguments_areSeparateSlots() throws Exception {
        Expr c = and(check(f("proc.env", "HOME"), "=", "/root"), check(f("proc.env", "USER"), "=", "bob"));
        assertThat(eval(c, "proc.env[HOME]", "/root", "proc.env[USER]", "bob")).isTrue();
        assertThat(eval(c, "proc.env[HOME]", "/root", "proc.env[USER]", "al")).isFalse();
        assertThat(eval(check("evt.arg.flags", "contains", "O_RDWR"), "evt.arg[flags]", "O_RDWR|O_CREAT")).isTrue();
    }

    // ---- boolean structure

    @Test
    void compile_booleanOperators_shortCircuitCorrectly() throws Exception {
        Expr c = or(and(check("proc.name", "=", "a"), check("proc.pid", "=", "1")), not(exists("fd.name")));
        assertThat(eval(c, "proc.name", "a", "proc.pid", 1L, "fd.name", "/x")).isTrue();
        assertThat(eval(c, "proc.name", "a", "proc.pid", 2L, "fd.name", "/x")).isFalse();
        assertThat(eval(c, "proc.name", "b")).isTrue();
        assertThat(eval(and(and(check("proc.name", "=", "a"), exists("proc.pid")), exists("fd.name")),
                "proc.name", "a", "proc.pid", 1L, "fd.name", "/")).isTrue();
    }

    // ---- transformers

    @Test
    void compile_transformers_applyToValues() throws Exception {
        assertThat(eval(check(tr("tolower", f("proc.name")), "=", "bash"), "proc.name", "BaSh")).isTrue();
        assertThat(eval(check(tr("toupper", f("proc.name")), "=", "BASH"), "proc.name", "bash")).isTrue();
        assertThat(eval(check(tr("basename", f("fd.name")), "=", "passwd"), "fd.name", "/etc/passwd")).isTrue();
        assertThat(eval(check(tr("basename", f("fd.name")), "=", "x"), "fd.name", "x")).isTrue();
        assertThat(eval(check(tr("b64", f("proc.cmdline")), "=", "hello"), "proc.cmdline", "aGVsbG8=")).isTrue();
        assertThat(eval(check(tr("b64", f("proc.cmdline")), "=", "hello"), "proc.cmdline", "aGVsbG8")).isTrue();
        assertThat(eval(check(tr("b64", f("proc.cmdline")), "!=", "x"), "proc.cmdline", "!!!")).isFalse();
        assertThat(eval(check(tr("len", f("proc.name")), "=", "4"), "proc.name", "bash")).isTrue();
        assertThat(eval(check(tr("len", f("proc.name")), "=", "2"), "proc.name", "é")).isTrue();
        assertThat(eval(check(tr("len", f("proc.cmdargs")), ">", "2"), "proc.cmdargs", List.of("a", "b", "c")))
                .isTrue();
        assertThat(eval(check(tr("len", f("evt.buffer")), "=", "3"), "evt.buffer", new byte[3])).isTrue();
        assertThat(eval(check(tr("tolower", tr("toupper", f("proc.name"))), "=", "ab"), "proc.name", "aB"))
                .isTrue();
        assertThat(eval(checkList("proc.cmdargs", "in", "a"), "proc.cmdargs", List.of("a"))).isTrue();
        assertThat(eval(new Expr.BinaryCheck(tr("tolower", f("proc.cmdargs")), "in",
                new Expr.ListValue(List.of("a", "b"), Pos.START), Pos.START), "proc.cmdargs", List.of("A", "B")))
                .isTrue();
    }

    @Test
    void compile_multiValueTransformers_joinConcatGetopt() throws Exception {
        Expr join = check(tr("join", new Expr.Value(",", Pos.START), f("proc.cmdargs")), "=", "a,b,c");
        assertThat(eval(join, "proc.cmdargs", List.of("a", "b", "c"))).isTrue();
        Expr concat = check(tr("concat", f("proc.name"), new Expr.Value("-", Pos.START), f("proc.pname")), "=",
                "a-b");
        assertThat(eval(concat, "proc.name", "a", "proc.pname", "b")).isTrue();
        assertThat(eval(concat, "proc.name", "a")).isFalse();
        Expr getopt = new Expr.BinaryCheck(
                new Expr.Transformer("getopt", List.of(f("proc.argv"), new Expr.Value("c:v", Pos.START)), "c",
                        Pos.START), "=", new Expr.Value("echo hi", Pos.START), Pos.START);
        assertThat(eval(getopt, "proc.argv", List.of("-v", "-c", "echo hi"))).isTrue();
        assertThat(eval(getopt, "proc.argv", List.of("-cecho hi"))).isTrue();
        assertThat(eval(getopt, "proc.argv", List.of("-v"))).isFalse();
        Expr all = new Expr.BinaryCheck(tr("getopt", f("proc.argv"), new Expr.Value("c:v", Pos.START)),
                "intersects", new Expr.ListValue(List.of("?"), Pos.START), Pos.START);
        assertThat(eval(all, "proc.argv", List.of("-x"))).isTrue();
        assertThat(eval(all, "proc.argv", List.of("-v", "x", "-x"))).isFalse();
    }

    // ---- val()

    @Test
    void compile_valRhs_comparesWithOtherField() throws Exception {
        assertThat(eval(checkVal("proc.name", "=", "proc.pname"), "proc.name", "a", "proc.pname", "a")).isTrue();
        assertThat(eval(checkVal("proc.name", "=", "proc.pname"), "proc.name", "a", "proc.pname", "b")).isFalse();
        assertThat(eval(checkVal("proc.name", "!=", "proc.pname"), "proc.name", "a", "proc.pname", "b")).isTrue();
        assertThat(eval(checkVal("proc.name", "!=", "proc.pname"), "proc.name", "a")).isFalse();
        assertThat(eval(checkVal("proc.pid", "<", "proc.ppid"), "proc.pid", -3L, "proc.ppid", 2L)).isTrue();
        assertThat(eval(checkVal("proc.cmdline", "startswith", "proc.name"), "proc.cmdline", "bash -c",
                "proc.name", "bash")).isTrue();
        assertThat(eval(checkVal("proc.cmdline", "glob", "proc.name"), "proc.cmdline", "bash",
                "proc.name", "b*")).isTrue();
        assertThat(eval(checkVal("proc.cmdargs", "intersects", "proc.argv"), "proc.cmdargs", List.of("x", "y"),
                "proc.argv", List.of("y"))).isTrue();
        assertThat(eval(checkVal("proc.cmdargs", "in", "proc.argv"), "proc.cmdargs", List.of("x", "y"),
                "proc.argv", List.of("y"))).isFalse();
    }

    // ---- caching

    @Test
    void compile_fieldUsedByManyRules_isExtractedOncePerEvent() throws Exception {
        FieldSlots slots = new FieldSlots();
        ConditionCompiler cc = TestFields.compiler(slots);
        EvalContext ctx = new EvalContext(slots);
        List<CompiledCondition> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rules.add(cc.compile(and(check("proc.exepath", "startswith", "/usr/" + i),
                    check(tr("tolower", f("proc.exepath")), "contains", "x" + i))));
        }
        int before = TestFields.CALLS.getOrDefault("proc.exepath", new java.util.concurrent.atomic.AtomicInteger())
                .get();
        for (int e = 0; e < 3; e++) {
            ctx.reset(event("proc.exepath", "/usr/" + e + "/X" + e));
            long matched = rules.stream().filter(r -> r.matches(ctx)).count();
            assertThat(matched).isEqualTo(1);
        }
        int after = TestFields.CALLS.get("proc.exepath").get();
        assertThat(after - before).isEqualTo(3);
        assertThat(slots.size()).isEqualTo(2);
    }

    @Test
    void evalContext_createdBeforeCompiling_growsWithSlots() throws Exception {
        FieldSlots slots = new FieldSlots();
        EvalContext ctx = new EvalContext(slots);
        ConditionCompiler cc = TestFields.compiler(slots);
        CompiledCondition last = null;
        for (int i = 0; i < 40; i++) {
            last = cc.compile(check(f("proc.env", "V" + i), "=", "x"));
        }
        ctx.reset(event("proc.env[V39]", "x"));
        assertThat(last.matches(ctx)).isTrue();
    }

    // ---- warnings

    @Test
    void compile_suspiciousValues_produceWarnings() throws Exception {
        ConditionCompiler cc = TestFields.compiler(new FieldSlots());
        cc.compile(check("proc.name", "regex", "bash"));
        cc.compile(check("proc.name", "=", "proc.pname"));
        cc.compile(check("proc.name", "=", "tolower(proc.pname)"));
        cc.compile(check("proc.name", "regex", "ba[sz]h"));
        assertThat(cc.drainWarnings()).extracting(CompileWarning::message).containsExactly(
                "regex check with 'bash' may be optimized with simpler operators such as '=', 'contains', "
                        + "'startswith', 'endswith'",
                "'proc.pname' may be a valid field misused as a const string value",
                "'tolower(proc.pname)' may be a valid field transformer misused as a const string value");
        assertThat(cc.drainWarnings()).isEmpty();
    }

    // ---- errors

    @Test
    void compile_unknownField_reportsFalcoMessage() {
        Pos pos = new Pos(18, 1, 19);
        CompileException e = error(and(check("proc.name", "=", "a"),
                new Expr.BinaryCheck(f("proc.nobody"), "=", new Expr.Value("cat", pos), pos)));
        assertThat(e.kind()).isEqualTo(CompileException.Kind.UNKNOWN_FIELD);
        assertThat(e.getMessage()).isEqualTo("filter_check called with nonexistent field proc.nobody");
        assertThat(e.pos()).isEqualTo(pos);
        assertThat(error(exists("proc.nobody")).kind()).isEqualTo(CompileException.Kind.UNKNOWN_FIELD);
        assertThat(error(checkVal("proc.name", "=", "proc.nobody")).kind())
                .isEqualTo(CompileException.Kind.UNKNOWN_FIELD);
    }

    @Test
    void compile_unknownEventType_reportsKind() {
        Pos pos = new Pos(4, 1, 5);
        CompileException e = error(new Expr.BinaryCheck(f("evt.type"), "in",
                new Expr.ListValue(List.of("open", "some_invalid_event"), pos), pos));
        assertThat(e.kind()).isEqualTo(CompileException.Kind.UNKNOWN_EVENT_TYPE);
        assertThat(e.getMessage()).isEqualTo("unknown event type some_invalid_event");
        assertThat(e.pos()).isEqualTo(pos);
    }

    @Test
    void compile_operatorNotAllowedForType_reportsLibsinspMessage() {
        assertThat(error(check("proc.pid", "contains", "1")).getMessage())
                .isEqualTo("filter error: 'contains' operator not supported for numeric filters");
        assertThat(error(check("evt.is_open_read", "<", "true")).getMessage())
                .isEqualTo("filter error: '<' operator not supported for numeric filters");
        assertThat(error(check("proc.name", "bcontains", "00")).getMessage())
                .isEqualTo("filter error: 'bcontains' operator not supported for string filters");
        assertThat(error(check("evt.buffer", "glob", "a*")).getMessage())
                .isEqualTo("filter error: 'glob' operator not supported for buffer filters");
        assertThat(error(check("fd.sip", "startswith", "1")).getMessage())
                .isEqualTo("filter error: 'startswith' operator not supported for ip address and network filters");
        assertThat(error(checkList("fd.sip", "startswith oneof", "1")).getMessage()).isEqualTo(
                "filter error: 'startswith' with modifier not supported for ip address and network filters");
        assertThat(error(check("proc.cmdargs", "=", "a")).getMessage())
                .isEqualTo("filter error: '=' operator not supported list filters");
        assertThat(error(checkList("evt.pids", "in", "1")).getMessage())
                .isEqualTo("filter error: list filters are not supported for type 'INT64'");
        assertThat(error(check("evt.sock", "=", "x")).getMessage())
                .isEqualTo("filter error: '=' operator not supported for type 'SOCKADDR'");
        assertThat(error(check("user.gid", "=", "0")).getMessage())
                .isEqualTo("filter error: '=' operator not supported for type 'GID'");
        assertThat(error(check("evt.sock", "=", "x")).kind()).isEqualTo(CompileException.Kind.INVALID);
    }

    @Test
    void compile_badValues_reportParseErrors() {
        assertThat(error(check("proc.pid", "=", "abc")).getMessage()).isEqualTo("abc is not a valid number");
        assertThat(error(check("proc.pid", "=", "0x10")).getMessage()).isEqualTo("0x10 is not a valid number");
        assertThat(error(check("proc.pid", "=", "1 2")).getMessage()).isEqualTo("1 2 is not a valid number");
        assertThat(error(check("evt.is_open_read", "=", "yes")).getMessage())
                .isEqualTo("filter error: unrecognized boolean value yes");
        assertThat(error(check("fd.sip", "=", "1.2.3.256")).getMessage())
                .isEqualTo("unrecognized IPv4 address 1.2.3.256");
        assertThat(error(check("fd.cip4", "=", "localhost")).getMessage())
                .isEqualTo("unrecognized IPv4 address localhost");
        assertThat(error(check("fd.sip", "=", "zz::1")).getMessage()).isEqualTo("unrecognized IPv6 address zz::1");
        assertThat(error(check("fd.sip", "=", "example")).getMessage())
                .isEqualTo("unrecognized IPv6 address example");
        assertThat(error(check("fd.net", "=", "10.0.0.1")).getMessage())
                .isEqualTo("unrecognized IP network 10.0.0.1");
        assertThat(error(check("fd.net", "=", "10.0.0.1/33")).getMessage()).isEqualTo("invalid netmask 33");
        assertThat(error(check("fd.net", "=", "::1")).getMessage()).isEqualTo("invalid v6 netmask: ::1");
        assertThat(error(check("fd.sport", "=", "nosuchservice")).getMessage())
                .isEqualTo("unrecognized protocol nosuchservice");
        assertThat(error(check("evt.buffer", "bcontains", "abc")).getMessage())
                .isEqualTo("filter error: bcontains and bstartswith operator support hex strings only");
        assertThat(error(check("proc.name", "regex", "a(")).getMessage()).startsWith("invalid regex pattern: ");
        assertThat(error(check("proc.name", "=", "a\0b")).getMessage())
                .isEqualTo("filter error: filter value cannot contain a NUL byte (\\x00)");
        assertThat(error(check("proc.name", "like", "a")).getMessage())
                .isEqualTo("unrecognized filter comparison operator 'like'");
    }

    @Test
    void compile_fieldArgumentProblems_areInvalid() {
        CompileException e = error(check(f("proc.name", "x"), "=", "a"));
        assertThat(e.kind()).isEqualTo(CompileException.Kind.INVALID);
        assertThat(e.getMessage()).isEqualTo("field 'proc.name' does not take an argument");
    }

    @Test
    void compile_badTransformers_reportLibsinspMessages() {
        assertThat(error(check(tr("tolower", f("proc.pid")), "=", "a")).getMessage()).isEqualTo(
                "can't add field transformer: type 'INT64' is not supported by 'tolower' transformer applied on "
                        + "field 'proc.pid'");
        assertThat(error(checkList2(tr("tolower", f("evt.nums")), "in", "a")).getMessage()).isEqualTo(
                "can't add field transformer: type 'UINT64' is not supported by 'tolower' transformer applied on "
                        + "list field 'evt.nums'");
        assertThat(error(check(tr("toupper", f("proc.aname")), "=", "a")).getMessage())
                .isEqualTo("field 'proc.aname' does not support transformers");
        assertThat(error(check(tr("len", f("proc.name")), "contains", "a")).getMessage())
                .isEqualTo("filter error: 'contains' operator not supported for numeric filters");
        assertThat(error(check(tr("join", f("proc.name"), f("proc.pname")), "=", "a")).getMessage())
                .isEqualTo("join() second argument must be a list");
        assertThat(error(check(tr("concat", f("proc.name")), "=", "a")).getMessage())
                .isEqualTo("concat() requires at least 2 arguments");
        assertThat(error(check(tr("concat", f("proc.name"), f("proc.pid")), "=", "a")).getMessage())
                .isEqualTo("concat() arguments must be strings");
    }

    @Test
    void compile_badValRhs_reportsLibsinspMessages() {
        assertThat(error(checkVal("proc.name", "=", "proc.pid")).getMessage()).isEqualTo(
                "field 'proc.name' has type 'CHARBUF' while the right-hand side field 'proc.pid' has incompatible "
                        + "type 'INT64'");
        assertThat(error(checkVal("proc.name", "=", "proc.cmdargs")).getMessage()).isEqualTo(
                "field 'proc.name' has type 'CHARBUF' while the right-hand side field 'proc.cmdargs' has "
                        + "incompatible type 'CHARBUF (list)'");
        assertThat(error(checkVal("proc.name", "regex", "proc.pname")).getMessage())
                .isEqualTo("operator 'REGEX' doesn't support right-hand side fields");
        assertThat(error(checkVal("proc.name", "pmatch", "proc.pname")).getMessage())
                .isEqualTo("operator 'PMATCH' doesn't support right-hand side fields");
        assertThat(error(checkVal("proc.aname", "=", "proc.name")).getMessage())
                .isEqualTo("field 'proc.aname' doesn't support right-hand side fields");
        assertThat(error(checkVal("proc.name", "=", "proc.aname")).getMessage())
                .isEqualTo("field 'proc.aname' can't be used as a right-hand side field");
        assertThat(error(checkVal("fd.net", "=", "fd.net")).getMessage())
                .isEqualTo("field type 'IPNET' doesn't support right-hand side fields");
    }

    @Test
    void compile_identifierInCheckPosition_isInvalid() {
        CompileException e = error(and(new Expr.Identifier("some_macro", new Pos(3, 1, 4)), exists("proc.name")));
        assertThat(e.getMessage()).isEqualTo("filter error: unexpected identifier 'some_macro'");
        assertThat(e.pos()).isEqualTo(new Pos(3, 1, 4));
    }
}
