package dev.peregrine.capture.convert;

import static dev.peregrine.capture.convert.EventConverterTest.code;
import static dev.peregrine.capture.convert.EventConverterTest.event;
import static dev.peregrine.capture.convert.EventConverterTest.le;
import static dev.peregrine.capture.convert.EventConverterTest.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.event.Event;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LegacyEventSplitterTest {
    private static final long TID = 7;

    private static EventView view(byte[] bytes) {
        EventView v = EventView.forTable(EventTable.get());
        return v.pointAt(MemorySegment.ofArray(bytes), 0, 1);
    }

    @Test
    void toLegacy_convertedReadExit_isSplitBackIntoTheOldPair() {
        EventConverter converter = EventConverter.standard();
        byte[] enter = event("PPME_SYSCALL_READ_E", TID, le(5, 8), le(100, 4));
        byte[] exit = event("PPME_SYSCALL_READ_X", TID, le(3, 8), "abc".getBytes(StandardCharsets.US_ASCII));
        converter.convert(view(enter));
        converter.convert(view(exit));
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();

        assertThat(splitter.toLegacy(converter.converted())).isEqualTo(2);

        assertThat(Event.copyOf(splitter.enter())).isEqualTo(Event.copyOf(view(enter)));
        assertThat(Event.copyOf(splitter.exit())).isEqualTo(Event.copyOf(view(exit)));
    }

    @Test
    void toLegacy_genericExit_getsAnEnterWithTheSameSyscallId() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        byte[] exit = event("PPME_GENERIC_X", TID, le(77, 2), le(28, 2));

        assertThat(splitter.toLegacy(view(exit))).isEqualTo(2);

        assertThat(splitter.enter().type()).isEqualTo(EventTable.GENERIC_E);
        assertThat(splitter.enter().paramU16(0)).isEqualTo(77);
        assertThat(splitter.enter().paramU16(1)).isEqualTo(28);
        assertThat(splitter.exit().nparams()).isEqualTo(1);
        assertThat(splitter.exit().paramU16(0)).isEqualTo(77);
    }

    @Test
    void toLegacy_genericExitWhoseEnterWasMissing_staysAlone() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        // the conversion left nativeID empty: there was no enter event
        byte[] exit = event("PPME_GENERIC_X", TID, le(77, 2), new byte[0]);

        assertThat(splitter.toLegacy(view(exit))).isEqualTo(1);
        assertThat(splitter.exit().nparams()).isEqualTo(1);
    }

    @Test
    void toLegacy_openEnterFilledWithEmptyParameters_losesThem() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        byte[] enter = event("PPME_SYSCALL_OPEN_E", TID, new byte[0], new byte[0], new byte[0]);

        assertThat(splitter.toLegacy(view(enter))).isEqualTo(1);
        assertThat(splitter.exit().type()).isEqualTo(code("PPME_SYSCALL_OPEN_E"));
        assertThat(splitter.exit().nparams()).isZero();
    }

    @Test
    void toLegacy_openExitWithEmptyDevAndIno_dropsTheEmptyTail() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        byte[] exit = event("PPME_SYSCALL_OPEN_X", TID, le(3, 8), str("/x"), le(0, 4), le(0, 4), new byte[0],
                new byte[0]);

        assertThat(splitter.toLegacy(view(exit))).isEqualTo(1);
        assertThat(splitter.exit().nparams()).isEqualTo(4);
    }

    @Test
    void toLegacy_currentEventWithAllParameters_isKept() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        byte[] exit = event("PPME_SYSCALL_OPEN_X", TID, le(3, 8), str("/x"), le(0, 4), le(0, 4), le(8, 4),
                le(9, 8));

        assertThat(splitter.toLegacy(view(exit))).isZero();
    }

    @Test
    void toLegacy_cloneChildExit_getsNoEnterEvent() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        int clone = code("PPME_SYSCALL_CLONE_20_X");
        assertThat(splitter.splits(clone)).isTrue();
        int n = EventTable.get().byCode(clone).params().size();
        byte[][] params = new byte[n][];
        for (int i = 0; i < n; i++) {
            params[i] = le(0, 8);
        }
        params[0] = le(0, 8);

        assertThat(splitter.toLegacy(view(event("PPME_SYSCALL_CLONE_20_X", TID, params)))).isLessThan(2);
        params[0] = le(1234, 8);
        assertThat(splitter.toLegacy(view(event("PPME_SYSCALL_CLONE_20_X", TID, params)))).isEqualTo(2);
    }

    @Test
    void toLegacy_dup2Exit_becomesTheDupPairSysdig029Knows() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        byte[] exit = event("PPME_SYSCALL_DUP2_X", TID, le(9, 8), le(3, 8), le(9, 8));

        assertThat(splitter.toLegacy(view(exit))).isEqualTo(2);

        assertThat(splitter.enter().type()).isEqualTo(code("PPME_SYSCALL_DUP_E"));
        assertThat(splitter.enter().nparams()).isEqualTo(1);
        assertThat(splitter.enter().paramU64(0)).isEqualTo(3);
        assertThat(splitter.exit().type()).isEqualTo(code("PPME_SYSCALL_DUP_X"));
        assertThat(splitter.exit().nparams()).isEqualTo(1);
        assertThat(splitter.exit().paramU64(0)).isEqualTo(9);
    }

    @Test
    void toLegacy_dupPairReadBack_convertsToTheCurrentDupWithOldfd() {
        LegacyEventSplitter splitter = LegacyEventSplitter.standard();
        splitter.toLegacy(view(event("PPME_SYSCALL_DUP3_X", TID, le(9, 8), le(3, 8), le(9, 8), le(0, 4))));
        EventConverter converter = EventConverter.standard();

        assertThat(converter.convert(splitter.enter())).isEqualTo(EventConverter.Result.DROP);
        assertThat(converter.convert(splitter.exit())).isEqualTo(EventConverter.Result.CONVERTED);

        assertThat(converter.converted().type()).isEqualTo(code("PPME_SYSCALL_DUP_1_X"));
        assertThat(converter.converted().paramU64(0)).isEqualTo(9);
        assertThat(converter.converted().paramU64(1)).isEqualTo(3);
    }
}
