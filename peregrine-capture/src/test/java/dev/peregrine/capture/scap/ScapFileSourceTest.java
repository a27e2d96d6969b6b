package dev.peregrine.capture.scap;

import static dev.peregrine.capture.scap.ScapBytes.capture;
import static dev.peregrine.capture.scap.ScapBytes.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.event.Event;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScapFileSourceTest {
    /** Synthetic event codes: 3 lists 6 params, 10 lists 2, 322 uses 32-bit lengths, 99 has the v1 len quirk. */
    static final EventShapes SHAPES = new EventShapes() {
        private final Map<Integer, Integer> nparams = Map.of(3, 6, 10, 2, 322, 2, 99, 1);

        @Override
        public int nparams(int code) {
            return nparams.getOrDefault(code, -1);
        }

        @Override
        public boolean largePayload(int code) {
            return code == 322;
        }

        @Override
        public boolean v1LengthOverstated(int code) {
            return code == 99;
        }
    };

    /** Everything one read of a capture produced. */
    record Read(List<Event> events, List<ScapBlock> blocks, CaptureProblem problem, ScapFileSource source) {
    }

    static Read read(byte[] bytes) {
        return read(bytes, SHAPES);
    }

    static Read read(byte[] bytes, EventShapes shapes) {
        List<ScapBlock> blocks = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        ScapFileSource s = ScapFileSource.open(new ByteArrayInputStream(bytes), "test.scap", shapes, blocks::add);
        Next n;
        while ((n = s.next()) == Next.EVENT) {
            events.add(Event.copyOf(s.event()));
        }
        assertThat(n).isEqualTo(Next.EOF);
        assertThat(s.next()).isEqualTo(Next.EOF);
        s.close();
        return new Read(events, blocks, s.problem().orElse(null), s);
    }

    @Test
    void next_v2EventBlocks_deliversEventsThenEof() {
        byte[] bytes = capture()
                .eventV2(BlockType.EV_V2, 1, null, 100, 7, 10, false, str("a"), new byte[] {1, 2})
                .eventV2(BlockType.EV_V2, 2, null, 200, 8, 10, false, str("bc"), new byte[0])
                .bytes();

        Read r = read(bytes);

        assertThat(r.problem()).isNull();
        assertThat(r.events()).extracting(Event::ts).containsExactly(100L, 200L);
        assertThat(r.events()).extracting(Event::cpu).containsExactly(1, 2);
        assertThat(r.events().get(1).param(0).asString()).isEqualTo("bc");
        assertThat(r.events().get(1).param(1).length()).isZero();
        assertThat(r.blocks()).containsExactly(new ScapBlock.SectionHeader(0, 1, 2, -1));
        assertThat(r.source().eventCount()).isEqualTo(2);
        assertThat(r.source().blockInventory()).containsExactly(Map.entry("SHB", 1L), Map.entry("EV_V2", 2L));
    }

    @Test
    void next_gzipCapture_sameEventsAsPlain() {
        ScapBytes b = capture().eventV2(BlockType.EV_V2, 0, null, 5, 6, 10, false, str("x"), str("y"));

        assertThat(read(b.gzipped()).events()).isEqualTo(read(b.bytes()).events()).hasSize(1);
    }

    @Test
    void next_evfBlock_skipsFlagsAndKeepsCpu() {
        byte[] bytes = capture()
                .eventV2(BlockType.EVF_V2, 3, 0xdeadbeef, 1, 2, 10, false, str("p"), str("q"))
                .eventV1(4, 0x1, 9, 2, 3, new byte[8])
                .bytes();

        Read r = read(bytes);

        assertThat(r.problem()).isNull();
        assertThat(r.events()).extracting(Event::cpu).containsExactly(3, 4);
        assertThat(r.events().get(0).param(1).asString()).isEqualTo("q");
        assertThat(r.events().get(1).params()).hasSize(1);
    }

    @Test
    void eventFlags_evfAndEvBlocks_flagsOfTheCurrentBlock() {
        byte[] bytes = capture()
                .eventV2(BlockType.EVF_V2, 3, 0x5, 1, 2, 10, false, str("p"), str("q"))
                .eventV2(BlockType.EV_V2, 3, null, 2, 2, 10, false, str("p"), str("q"))
                .bytes();
        ScapFileSource s = ScapFileSource.open(new ByteArrayInputStream(bytes), "t", SHAPES, b -> { });

        assertThat(s.next()).isEqualTo(Next.EVENT);
        assertThat(s.eventFlags()).isEqualTo(5);
        assertThat(s.next()).isEqualTo(Next.EVENT);
        assertThat(s.eventFlags()).isZero();
    }

    @Test
    void next_truncatedUnknownBlock_noBlockReported() {
        byte[] bytes = capture().block(0x7777, new byte[40]).bytes();

        Read r = read(Arrays.copyOf(bytes, bytes.length - 10));

        assertThat(r.blocks()).hasSize(1);
        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.TRUNCATED);
        assertThat(r.problem().blockName()).isEqualTo("0x7777");
    }

    @Test
    void next_v1EventWithFewerParamsThanTable_upgradedWithCountFromLengths() {
        byte[] bytes = capture()
                .eventV1(0, null, 11, 22, 3, new byte[] {5, 0, 0, 0, 0, 0, 0, 0}, str("/tmp/x"), new byte[4],
                        new byte[] {9})
                .bytes();

        Read r = read(bytes);

        assertThat(r.problem()).isNull();
        Event e = r.events().getFirst();
        assertThat(e.ts()).isEqualTo(11);
        assertThat(e.tid()).isEqualTo(22);
        assertThat(e.type()).isEqualTo(3);
        assertThat(e.params()).hasSize(4);
        assertThat(e.param(1).asString()).isEqualTo("/tmp/x");
        assertThat(e.param(3).bytes()).containsExactly(9);
    }

    @Test
    void next_v1EventLengthQuirk_correctedByThreeBytes() {
        byte[] bytes = capture().eventV1(0, null, 1, 1, 99, str("note")).bytes();
        // the old writer counted 3 bytes too many in len: emulate it
        int lenAt = 28 + 8 + 2 + 16;
        int len = ScapFileSource.le32(bytes, lenAt);
        ScapFileSource.putLe32(bytes, lenAt, len + 3);
        byte[] padded = Arrays.copyOf(bytes, bytes.length);

        Read r = read(padded);

        assertThat(r.problem()).isNull();
        assertThat(r.events().getFirst().param(0).asString()).isEqualTo("note");
    }

    @Test
    void next_v1EventLengthsDoNotAddUp_reportsCorruptAtBlock() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b"))
                .eventV1(0, null, 1, 1, 3, new byte[4], new byte[4]).bytes();
        // param 0 claims 200 bytes: no parameter count makes the lengths end at len
        int secondBlock = 28 + 48;
        int lensAt = secondBlock + 8 + 2 + 22;
        bytes[lensAt] = (byte) 200;

        Read r = read(bytes);

        assertThat(r.events()).hasSize(1);
        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.CORRUPT);
        assertThat(r.problem().blockOffset()).isEqualTo(secondBlock);
        assertThat(r.problem().blockName()).isEqualTo("EV");
        assertThat(r.problem().message()).contains("cannot find the parameter count");
    }

    @Test
    void next_largeBlock_deliversThirtyTwoBitParamLengths() {
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'z');
        byte[] bytes = capture().eventV2(BlockType.EV_V2_LARGE, 0, null, 1, 1, 322, true, str("k"), big).bytes();

        Read r = read(bytes);

        assertThat(r.problem()).isNull();
        assertThat(r.events().getFirst().param(1).bytes()).isEqualTo(big);
    }

    @Test
    void next_nonLargeBlockOver64KiB_reportsCorrupt() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 322, true, new byte[70_000]).bytes();

        Read r = read(bytes);

        assertThat(r.events()).isEmpty();
        assertThat(r.problem().message()).contains("exceeds the 65536-byte limit of EV_V2 blocks");
    }

    @Test
    void next_hugeStateBlockLength_reportsCorruptWithoutReadingIt() {
        byte[] bytes = capture().raw(ScapBytes.le().putInt(BlockType.PL_V9.code()).putInt(0x7FFF_FFF0).array())
                .bytes();

        Read r = read(bytes);

        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.CORRUPT);
        assertThat(r.problem().message()).isEqualTo("PL_V9 block length 2147483632 exceeds the "
                + ScapFileSource.MAX_STATE_BLOCK_BYTES + "-byte limit of state blocks");
    }

    @Test
    void next_hugeLargeEventBlockLength_reportsCorruptWithoutReadingIt() {
        byte[] bytes = capture().raw(ScapBytes.le().putInt(BlockType.EV_V2_LARGE.code()).putInt(-16).array())
                .bytes();

        Read r = read(bytes);

        assertThat(r.problem().message()).isEqualTo("event block length 4294967280 exceeds the "
                + ScapFileSource.MAX_EVENT_BLOCK_BYTES + "-byte limit of EV_V2_LARGE blocks");
    }

    @Test
    void next_unknownBlock_skippedByLengthAndReported() {
        byte[] bytes = capture().block(0x7777, new byte[] {1, 2, 3, 4, 5})
                .eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b")).bytes();

        Read r = read(bytes);

        assertThat(r.problem()).isNull();
        assertThat(r.events()).hasSize(1);
        assertThat(r.blocks()).contains(new ScapBlock.Unknown(28, 0x7777, 20));
        assertThat(r.source().blockInventory()).containsEntry("0x7777", 1L);
    }

    @Test
    void next_unknownEventCode_skippedAndCounted() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 400, false, str("a"))
                .eventV2(BlockType.EV_V2, 0, null, 2, 1, 10, false, str("a"), str("b")).bytes();

        Read r = read(bytes);

        assertThat(r.problem()).isNull();
        assertThat(r.events()).extracting(Event::ts).containsExactly(2L);
        assertThat(r.source().skippedEvents()).isEqualTo(1);
    }

    @Test
    void next_concatenatedSections_readsBothInOrder() {
        byte[] one = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b")).bytes();
        byte[] two = new ScapBytes().section(1, 0).eventV1(0, null, 2, 1, 10, str("c"), str("d")).bytes();
        byte[] both = Arrays.copyOf(one, one.length + two.length);
        System.arraycopy(two, 0, both, one.length, two.length);

        Read r = read(both);

        assertThat(r.problem()).isNull();
        assertThat(r.events()).extracting(Event::ts).containsExactly(1L, 2L);
        assertThat(r.blocks()).containsExactly(new ScapBlock.SectionHeader(0, 1, 2, -1),
                new ScapBlock.SectionHeader(one.length, 1, 0, -1));
    }

    @Test
    void next_concatenatedGzipMembers_readAsOneStream() {
        byte[] one = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b")).gzipped();
        byte[] two = new ScapBytes().section(1, 2).eventV2(BlockType.EV_V2, 0, null, 2, 1, 10, false, str("c"),
                str("d")).gzipped();
        byte[] both = Arrays.copyOf(one, one.length + two.length);
        System.arraycopy(two, 0, both, one.length, two.length);

        assertThat(read(both).events()).extracting(Event::ts).containsExactly(1L, 2L);
    }

    @Test
    void next_bigEndianSection_reportsUnsupported() {
        byte[] bytes = capture().bytes();
        ScapFileSource.putLe32(bytes, 8, Integer.reverseBytes(0x1A2B3C4D));

        Read r = read(bytes);

        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.UNSUPPORTED);
        assertThat(r.problem().message()).contains("big-endian");
    }

    @Test
    void next_majorVersion2_reportsUnsupported() {
        Read r = read(new ScapBytes().section(2, 0).bytes());

        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.UNSUPPORTED);
        assertThat(r.problem().message()).contains("format version 2.0");
    }

    @Test
    void next_notAScapFile_reportsCorruptAtOffsetZero() {
        Read r = read("hello, this is not a capture".getBytes());

        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.CORRUPT);
        assertThat(r.problem().offset()).isEqualTo(8);
        assertThat(r.problem().blockOffset()).isZero();
        assertThat(r.problem().render()).startsWith("test.scap: byte 8 (block 0x6c6c6568 at byte 0): corrupt: not a "
                + "scap capture");
    }

    @Test
    void next_emptyInput_eofWithoutProblem() {
        Read r = read(new byte[0]);

        assertThat(r.problem()).isNull();
        assertThat(r.events()).isEmpty();
    }

    @Test
    void next_truncatedInsideEvent_deliversEarlierEventsThenTruncated() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b"))
                .eventV2(BlockType.EV_V2, 0, null, 2, 1, 10, false, str("c"), str("d")).bytes();
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 5);

        Read r = read(cut);

        assertThat(r.events()).extracting(Event::ts).containsExactly(1L);
        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.TRUNCATED);
        assertThat(r.problem().blockOffset()).isEqualTo(bytes.length - 48);
        assertThat(r.problem().offset()).isEqualTo(cut.length);
    }

    @Test
    void next_truncatedGzip_deliversEarlierEventsThenTruncated() {
        ScapBytes b = capture();
        for (int i = 0; i < 200; i++) {
            b.eventV2(BlockType.EV_V2, 0, null, i, 1, 10, false, str("event " + i), str("" + i * 7919));
        }
        byte[] gz = b.gzipped();
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);

        Read r = read(cut);

        assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.TRUNCATED);
        assertThat(r.events()).isNotEmpty().hasSizeLessThan(200);
        for (int i = 0; i < r.events().size(); i++) {
            assertThat(r.events().get(i).ts()).isEqualTo(i);
        }
    }

    @Test
    void next_trailerMismatch_reportsCorrupt() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b")).bytes();
        bytes[bytes.length - 4]++;

        Read r = read(bytes);

        assertThat(r.events()).isEmpty();
        assertThat(r.problem().message()).isEqualTo("block trailer says 49 bytes, header says 48");
    }

    @Test
    void next_blockShorterThanHeaderAndTrailer_reportsCorrupt() {
        byte[] bytes = new ScapBytes().section(1, 2).raw(ScapBytes.le().putInt(0x216).putInt(8).array()).bytes();

        Read r = read(bytes);

        assertThat(r.problem().message()).contains("block length 8 is less than the 12 bytes");
    }

    @Test
    void next_eventLenBeyondBlock_reportsInvalidEvent() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b")).bytes();
        int lenAt = 28 + 8 + 2 + 16;
        ScapFileSource.putLe32(bytes, lenAt, 500);

        Read r = read(bytes);

        assertThat(r.problem().message()).startsWith("invalid event: event len 500 is larger than");
    }

    @Test
    void close_thenNext_returnsEof() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b")).bytes();
        ScapFileSource s = ScapFileSource.open(new ByteArrayInputStream(bytes), "t", SHAPES, b -> { });
        s.close();
        s.close();

        assertThat(s.next()).isEqualTo(Next.EOF);
        assertThat(s.problem()).isEmpty();
    }

    @Test
    void blockInventory_listsTypesInEnumOrder() {
        byte[] bytes = capture().eventV2(BlockType.EV_V2, 0, null, 1, 1, 10, false, str("a"), str("b"))
                .block(BlockType.UL_V2.code(), new byte[0]).block(0x9999, new byte[0]).bytes();

        assertThat(read(bytes).source().blockInventory().keySet()).containsExactly("SHB", "EV_V2", "UL_V2",
                "0x9999");
    }

}
