package dev.peregrine.rules.syntax;

import static dev.peregrine.rules.syntax.ConditionParserTest.and;
import static dev.peregrine.rules.syntax.ConditionParserTest.bin;
import static dev.peregrine.rules.syntax.ConditionParserTest.f;
import static dev.peregrine.rules.syntax.ConditionParserTest.id;
import static dev.peregrine.rules.syntax.ConditionParserTest.list;
import static dev.peregrine.rules.syntax.ConditionParserTest.not;
import static dev.peregrine.rules.syntax.ConditionParserTest.parse;
import static dev.peregrine.rules.syntax.ConditionParserTest.tr;
import static dev.peregrine.rules.syntax.ConditionParserTest.v;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExprPrinterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "evt.arg[0] = value | evt.arg[0] = value",
            "evt.arg[key] = value | evt.arg[key] = value",
            "evt.arg[\"key with space\"] = value | evt.arg[\"key with space\"] = value",
            "proc.name == oneof (cat, nginx) | proc.name == oneof (cat, nginx)",
            "proc.name != anyof (cat, nginx, apache) | proc.name != anyof (cat, nginx, apache)",
            "proc.name contains oneof (cat, nginx) | proc.name contains oneof (cat, nginx)",
            "proc.name startswith anyof (/etc/, /tmp/) | proc.name startswith anyof (/etc/, /tmp/)",
            "proc.name glob allof (cat*, *nginx*) | proc.name glob allof (cat*, *nginx*)",
            "evt.name exists and evt.type in (a, b) or proc.name=cat "
                    + "| ((evt.name exists and evt.type in (a, b)) or proc.name = cat)",
            "not   a | not a",
            "not a.b=1 | not a.b = 1",
            "a.b in shell_binaries | a.b in shell_binaries",
            "a.b = val(c.d[1])[x] | a.b = val(c.d[1])[x]",
            "join(\"-\", (fd.name, 12)) = x | join(\"-\",(fd.name,12)) = x",
            "len(fd.name) > 0x10 | len(fd.name) > 0x10",
    })
    void print_parsedCondition_givesLibsinspForm(String condition, String printed) {
        assertThat(ExprPrinter.print(parse(condition))).isEqualTo(printed);
    }

    @Test
    void print_valuesNeedingQuotes_areQuotedAndEscaped() {
        assertThat(ExprPrinter.print(parse("a.b = 'it\\'s'"))).isEqualTo("a.b = \"it's\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("")))).isEqualTo("a.b = \"\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("a(b")))).isEqualTo("a.b = \"a(b\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("x,y")))).isEqualTo("a.b = \"x,y\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("a=b")))).isEqualTo("a.b = \"a=b\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("tab\there\n")))).isEqualTo("a.b = \"tab\\there\\n\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("q\"q'")))).isEqualTo("a.b = \"q\\\"q'\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("c:\\dir\\")))).isEqualTo("a.b = \"c:\\\\dir\\x5c\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("nul\0")))).isEqualTo("a.b = \"nul\\x00\"");
        assertThat(ExprPrinter.print(bin(f("a.b"), "=", v("runc:[0:PARENT]")))).isEqualTo("a.b = runc:[0:PARENT]");
        assertThat(ExprPrinter.print(bin(f("a.b"), "in", list("", "a b", "c")))).isEqualTo("a.b in (\"\", \"a b\", c)");
        assertThat(ExprPrinter.print(bin(f("a.b", "x]"), "=", v("1")))).isEqualTo("a.b[\"x]\"] = 1");
        assertThat(ExprPrinter.print(bin(f("a.b", ""), "=", v("1")))).isEqualTo("a.b[\"\"] = 1");
        // transformer arguments may only be bare when they are numbers
        assertThat(ExprPrinter.print(bin(tr("getopt", f("proc.args"), v("nt:")), "=", v("1"))))
                .isEqualTo("getopt(proc.args,\"nt:\") = 1");
        assertThat(ExprPrinter.print(bin(f("a.b"), ">", v("-1.5e+3")))).isEqualTo("a.b > -1.5e+3");
    }

    @Test
    void print_doubleNegation_keepsBothNots() {
        Expr e = not(not(id("a")));
        assertThat(ExprPrinter.print(e)).isEqualTo("not (not a)");
        assertThat(parse(ExprPrinter.print(e))).isEqualTo(e);
        assertThat(parse(ExprPrinter.print(and(not(id("a")), id("b"))))).isEqualTo(and(not(id("a")), id("b")));
    }

    @Test
    void print_everyAcceptedCorpusCondition_parsesBackToSameTree() throws ConditionSyntaxException {
        List<String> corpus = new ArrayList<>(ConditionTexts.libsinspAccepted());
        corpus.addAll(ConditionTexts.ruleConditions());
        for (String c : corpus) {
            Expr e = ConditionParser.parse(c, ConditionParser.RULES_MAX_CONDITION_DEPTH);
            String printed = ExprPrinter.print(e);
            Expr again = ConditionParser.parse(printed, ConditionParser.RULES_MAX_CONDITION_DEPTH);
            assertThat(again).as("%s printed as %s", c, printed).isEqualTo(e);
            assertThat(ExprPrinter.print(again)).isEqualTo(printed);
        }
    }
}
