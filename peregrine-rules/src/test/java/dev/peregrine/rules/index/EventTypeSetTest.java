package dev.peregrine.rules.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.event.EventTable;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class EventTypeSetTest {
    private static final EventTable TABLE = EventTable.get();

    private static EventTypeSet firstN(int n) {
        BitSet b = new BitSet();
        b.set(0, n);
        return new EventTypeSet(b, TABLE.size());
    }

    @Test
    void isAll_fullAndPartialSets() {
        assertThat(EventTypeSet.all(TABLE).isAll()).isTrue();
        assertThat(EventTypeSet.all(TABLE).size()).isEqualTo(454);
        assertThat(firstN(453).isAll()).isFalse();
        assertThat(EventTypeSet.none(TABLE).isEmpty()).isTrue();
    }

    @Test
    void matchesTooManyEventTypes_threshold_isMoreThan100() {
        assertThat(firstN(100).matchesTooManyEventTypes()).isFalse();
        assertThat(firstN(101).matchesTooManyEventTypes()).isTrue();
        assertThat(EventTypeSet.none(TABLE).matchesTooManyEventTypes()).isFalse();
    }

    @Test
    void constructor_codesBeyondUniverse_areDropped() {
        BitSet b = new BitSet();
        b.set(0, 500);
        EventTypeSet s = new EventTypeSet(b, TABLE.size());
        assertThat(s.isAll()).isTrue();
        assertThat(s.contains(460)).isFalse();
    }

    @Test
    void codes_returnsCopy() {
        EventTypeSet s = firstN(3);
        s.codes().clear();
        assertThat(s.size()).isEqualTo(3);
    }

    @Test
    void names_eventCodes_listsEventNames() {
        BitSet b = new BitSet();
        for (int c : TABLE.codesForTypeName("open")) {
            b.set(c);
        }
        for (int c : TABLE.codesForTypeName("execve")) {
            b.set(c);
        }
        assertThat(new EventTypeSet(b, TABLE.size()).names(TABLE)).containsExactly("execve", "open");
    }

    @Test
    void names_genericCodes_listSyscallsWithoutOwnEvents() {
        BitSet b = new BitSet();
        b.set(EventTable.GENERIC_E);
        b.set(EventTable.GENERIC_X);
        var names = new EventTypeSet(b, TABLE.size()).names(TABLE);
        assertThat(names).contains("madvise").doesNotContain("open", "unknown", "syscall");
    }

    @Test
    void equals_sameCodes_equal() {
        assertThat(firstN(5)).isEqualTo(firstN(5)).hasSameHashCodeAs(firstN(5));
        assertThat(firstN(5)).isNotEqualTo(firstN(6));
    }
}
