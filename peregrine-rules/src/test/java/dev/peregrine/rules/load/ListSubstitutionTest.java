package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListSubstitutionTest {
    @Test
    void resolve_inListPosition_replacesWithQuotedItems() {
        var r = ListSubstitution.resolve("proc.name in (shells)", "shells", List.of("bash", "my shell"));
        assertThat(r.text()).isEqualTo("proc.name in ( bash, \"my shell\" )");
        assertThat(r.used()).isTrue();
    }

    @Test
    void resolve_nameInsideLongerToken_isLeftAlone() {
        var r = ListSubstitution.resolve("proc.name in (shells_x, x_shells) and shells.x=1", "shells",
                List.of("bash"));
        assertThat(r.text()).isEqualTo("proc.name in (shells_x, x_shells) and shells.x=1");
        assertThat(r.used()).isFalse();
    }

    @Test
    void resolve_afterEqualsSign_isReplacedAsFalcoDoes() {
        assertThat(ListSubstitution.resolve("proc.name=shells", "shells", List.of("bash")).text())
                .isEqualTo("proc.name= bash ");
    }

    @Test
    void resolve_emptyList_swallowsOneComma() {
        assertThat(ListSubstitution.resolve("proc.name in (a, empty)", "empty", List.of()).text())
                .isEqualTo("proc.name in (a  )");
        assertThat(ListSubstitution.resolve("proc.name in (empty, a)", "empty", List.of()).text())
                .isEqualTo("proc.name in (   a)");
    }

    @Test
    void resolve_severalOccurrences_allReplaced() {
        assertThat(ListSubstitution.resolve("a in (l) or b in (l)", "l", List.of("x", "y")).text())
                .isEqualTo("a in ( x, y ) or b in ( x, y )");
    }

    @Test
    void quote_onlyUnquotedItemsWithSpaces() {
        assertThat(ListSubstitution.quote("a b")).isEqualTo("\"a b\"");
        assertThat(ListSubstitution.quote("'a b'")).isEqualTo("'a b'");
        assertThat(ListSubstitution.quote("a\tb")).isEqualTo("a\tb");
    }
}
