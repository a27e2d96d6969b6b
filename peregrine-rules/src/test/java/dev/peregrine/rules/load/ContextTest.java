package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.syntax.Pos;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContextTest {
    @Test
    void forCondition_addsParserPositionToYamlPosition_andNamesConditionPrefix() {
        Context cond = Context.root("f.yaml").child(3, 13, 40, ItemType.RULE_CONDITION, "");
        Context at = cond.forCondition(new Pos(5, 1, 6), "evt.type = open and proc.name = cat");
        Position p = at.locations().getLast().position();
        assertThat(p).isEqualTo(new Position("\"evt.type = open a...\"", 4, 19, 45));
        assertThat(at.locations().getLast().itemType()).isEqualTo(ItemType.CONDITION_EXPRESSION);
    }

    @Test
    void snippet_longLine_isCutWithEllipsesAroundPosition() {
        String line = "x".repeat(100) + "Y" + "z".repeat(100);
        Context ctx = Context.root("f").child(0, 100, 100, ItemType.RULE, "r");
        String s = ctx.snippet(Map.of("f", line + "\n"));
        String[] parts = s.split("\n");
        assertThat(parts[0]).startsWith("...").endsWith("...").contains("Y");
        assertThat(parts[1].indexOf('^')).isEqualTo(parts[0].indexOf('Y'));
    }

    @Test
    void snippet_positionPastEnd_pointsAtLastCharacter() {
        Context ctx = Context.root("f").child(1, 7, 20, ItemType.VALUE_FOR, "tags");
        assertThat(ctx.snippet(Map.of("f", "- rule: r\n  tags:\n"))).isEqualTo("  tags:\n      ^\n");
    }

    @Test
    void snippet_unknownFile_saysSo() {
        assertThat(Context.root("nope").snippet(Map.of())).isEqualTo("<No context for file + nope>\n");
    }
}
