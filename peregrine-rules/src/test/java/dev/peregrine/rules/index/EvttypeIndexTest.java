package dev.peregrine.rules.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.event.EventTable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EvttypeIndexTest {
    private static final EventTable TABLE = EventTable.get();

    private static EventTypeSet of(int... codes) {
        BitSet b = new BitSet();
        for (int c : codes) {
            b.set(c);
        }
        return new EventTypeSet(b, TABLE.size());
    }

    @Test
    void rulesFor_mixedRules_returnsMatchingRulesInInsertionOrder() {
        EvttypeIndex<String> index = new EvttypeIndex<>();
        index.add("open-rule", of(2, 3));
        index.add("catch-all", EventTypeSet.all(TABLE));
        index.add("exec-rule", of(12, 13));
        index.add("open-too", of(3));
        assertThat(index.rulesFor(3)).containsExactly("open-rule", "catch-all", "open-too");
        assertThat(index.rulesFor(2)).containsExactly("open-rule", "catch-all");
        assertThat(index.rulesFor(12)).containsExactly("catch-all", "exec-rule");
        assertThat(index.rulesFor(100)).containsExactly("catch-all");
        assertThat(index.size()).isEqualTo(4);
    }

    @Test
    void rulesFor_unknownCode_isEmpty() {
        EvttypeIndex<String> index = new EvttypeIndex<>();
        index.add("catch-all", EventTypeSet.all(TABLE));
        assertThat(index.rulesFor(TABLE.size())).isEmpty();
        assertThat(index.rulesFor(-1)).isEmpty();
        assertThat(new EvttypeIndex<String>().rulesFor(3)).isEmpty();
    }

    @Test
    void rulesFor_emptySet_ruleIsNowhere() {
        EvttypeIndex<String> index = new EvttypeIndex<>();
        index.add("never", EventTypeSet.none(TABLE));
        for (int c = 0; c < TABLE.size(); c++) {
            assertThat(index.rulesFor(c)).isEmpty();
        }
    }

    @Test
    void add_afterLookup_throws() {
        EvttypeIndex<String> index = new EvttypeIndex<>();
        index.add("a", of(1));
        index.freeze();
        assertThatThrownBy(() -> index.add("b", of(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rulesFor_result_isImmutable() {
        EvttypeIndex<String> index = new EvttypeIndex<>();
        index.add("a", of(1));
        assertThatThrownBy(() -> index.rulesFor(1).add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Property(tries = 50)
    void rulesFor_randomRules_agreesWithLinearScan(@ForAll @IntRange(min = 0, max = 40) int ruleCount,
                                                   @ForAll long seed) {
        Random random = new Random(seed);
        List<EventTypeSet> sets = new ArrayList<>();
        EvttypeIndex<Integer> index = new EvttypeIndex<>();
        for (int r = 0; r < ruleCount; r++) {
            BitSet b = new BitSet();
            int n = random.nextInt(5) == 0 ? TABLE.size() : random.nextInt(8);
            for (int k = 0; k < n; k++) {
                b.set(random.nextInt(TABLE.size()));
            }
            EventTypeSet s = n == TABLE.size() ? EventTypeSet.all(TABLE) : new EventTypeSet(b, TABLE.size());
            sets.add(s);
            index.add(r, s);
        }
        for (int c = 0; c < TABLE.size(); c++) {
            List<Integer> expected = new ArrayList<>();
            for (int r = 0; r < ruleCount; r++) {
                if (sets.get(r).contains(c)) {
                    expected.add(r);
                }
            }
            assertThat(index.rulesFor(c)).isEqualTo(expected);
        }
    }
}
