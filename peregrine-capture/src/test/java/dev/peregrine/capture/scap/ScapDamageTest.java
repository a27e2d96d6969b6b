package dev.peregrine.capture.scap;

import static dev.peregrine.capture.scap.ScapBytes.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.event.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Truncations and bit flips of captures: the reader must end with EOF (plus a problem when the damage is visible),
 * deliver every event of the blocks before the damage unchanged, and never throw.
 */
class ScapDamageTest {

    /** A small capture exercising every block kind, both sections and all event layouts. */
    static byte[] richCapture() {
        byte[] host = new byte[128];
        System.arraycopy("box".getBytes(), 0, host, 0, 3);
        byte[] proc = ScapBytes.le().putLong(42).putLong(42).putLong(1).putLong(42).putLong(42).lenString("sh")
                .lenString("/bin/sh").lenString("/usr/bin/sh").lenBytes(str("-c\0ls")).lenString("/")
                .putLong(1024).putInt(0).putInt(0).putInt(0).putInt(1).putInt(2).putInt(3).putLong(4).putLong(5)
                .lenBytes(str("A=1")).putLong(42).putLong(42).lenBytes(str("cpu=/")).lenString("/").putInt(1000)
                .array();
        byte[] fd = ScapBytes.le().putLong(3).putLong(7).putByte(16).putInt(0).lenString("/etc/hosts").putInt(9)
                .array();
        byte[] ifc = ScapBytes.le().putShort((short) 1).putShort((short) 2).put(new byte[] {127, 0, 0, 1})
                .put(new byte[4]).put(new byte[4]).putLong(0).put("lo".getBytes()).array();
        byte[] user = ScapBytes.le().putByte(0).putInt(0).putInt(0).lenString("root").lenString("/root")
                .lenString("/bin/sh").array();
        return ScapBytes.capture()
                .block(BlockType.MI.code(), ScapBytes.le().putInt(2).putLong(1L << 30).putLong(32768).put(host)
                        .putLong(1).putLong(0).putLong(0).putLong(0).array())
                .block(BlockType.PL_V9.code(), ScapBytes.le().putInt(4 + proc.length).put(proc).array())
                .block(BlockType.FDL_V2.code(), ScapBytes.le().putLong(42).putInt(4 + fd.length).put(fd).array())
                .block(BlockType.IL_V2.code(), ScapBytes.le().putInt(ifc.length).put(ifc).array())
                .block(BlockType.UL_V2.code(), ScapBytes.le().putInt(4 + user.length).put(user).array())
                .block(0x4242, new byte[] {1, 2, 3})
                .eventV2(BlockType.EV_V2, 0, null, 1, 42, 10, false, str("first"), str("1"))
                .eventV2(BlockType.EVF_V2, 1, 7, 2, 42, 10, false, str("second"), str("2"))
                .eventV1(1, null, 3, 42, 3, new byte[8], str("/tmp/x"), new byte[4])
                .eventV1(0, 5, 4, 42, 10, str("fourth"), str("4"))
                .eventV2(BlockType.EV_V2_LARGE, 1, null, 5, 42, 322, true, str("k"), new byte[300])
                .section(1, 1)
                .block(BlockType.PL_V6.code(), ScapBytes.le().putLong(43).putLong(43).putLong(1).putLong(43)
                        .lenString("cat").lenString("cat").lenString("").lenString("/").putLong(1).putInt(0).putInt(0)
                        .putInt(0).putInt(0).putInt(0).putInt(0).putLong(0).putLong(0).lenString("")
                        .putLong(43).putLong(43).lenString("").lenString("/").array())
                .eventV2(BlockType.EV_V2, 0, null, 6, 43, 10, false, str("sixth"), str("6"))
                .bytes();
    }

    /** Offsets where each block ends, walking an undamaged plain capture. */
    static List<long[]> blocks(byte[] plain) {
        List<long[]> out = new ArrayList<>();
        int at = 0;
        while (at + 8 <= plain.length) {
            int type = ScapFileSource.le32(plain, at);
            int total = ScapFileSource.le32(plain, at + 4);
            out.add(new long[] {at, at + total, type});
            at += total;
        }
        return out;
    }

    static boolean isEvent(long type) {
        BlockType t = BlockType.ofCode((int) type);
        return t != null && t.kind() == BlockType.Kind.EVENTS;
    }

    /** Number of event blocks that end at or before {@code offset}. */
    static int eventsEndingBy(List<long[]> blocks, long offset) {
        int n = 0;
        for (long[] b : blocks) {
            if (b[1] <= offset && isEvent(b[2])) {
                n++;
            }
        }
        return n;
    }

    static boolean isBlockBoundary(List<long[]> blocks, long offset) {
        return offset == 0 || blocks.stream().anyMatch(b -> b[1] == offset);
    }

    @Test
    void richCapture_intact_readsEverything() {
        ScapFileSourceTest.Read r = ScapFileSourceTest.read(richCapture());

        assertThat(r.problem()).isNull();
        assertThat(r.events()).extracting(Event::ts).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(r.blocks()).hasSize(9);
    }

    @Test
    void everyCutPoint_plain_deliversCompleteBlocksThenTruncated() {
        byte[] full = richCapture();
        checkEveryCut(full, ScapFileSourceTest::read);
    }

    static void checkEveryCut(byte[] full, java.util.function.Function<byte[], ScapFileSourceTest.Read> reader) {
        List<long[]> blocks = blocks(full);
        List<Event> all = reader.apply(full).events();
        for (int cut = 0; cut < full.length; cut++) {
            ScapFileSourceTest.Read r = reader.apply(Arrays.copyOf(full, cut));
            int expected = eventsEndingBy(blocks, cut);
            assertThat(r.events()).as("events of a cut at %d", cut).isEqualTo(all.subList(0, expected));
            if (isBlockBoundary(blocks, cut)) {
                assertThat(r.problem()).as("problem of a cut at block boundary %d", cut).isNull();
            } else {
                assertThat(r.problem()).as("problem of a cut at %d", cut).isNotNull();
                assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.TRUNCATED);
                assertThat(r.problem().offset()).isEqualTo(cut);
            }
        }
    }

    @Test
    void everyCutPoint_gzip_deliversAPrefixThenTruncated() {
        byte[] plain = richCapture();
        byte[] gz = ScapBytes.gzip(plain);
        List<Event> all = ScapFileSourceTest.read(plain).events();
        for (int cut = 0; cut < gz.length; cut++) {
            ScapFileSourceTest.Read r = ScapFileSourceTest.read(Arrays.copyOf(gz, cut));
            assertThat(all.subList(0, r.events().size())).as("events of a cut at %d", cut).isEqualTo(r.events());
            if (cut > 0) {
                assertThat(r.problem()).as("problem of a cut at %d", cut).isNotNull();
            }
        }
    }

    @Test
    void seededBitFlips_plain_keepEventsBeforeTheDamagedBlock() {
        checkBitFlips(richCapture(), 3000, new Random(20261126L), ScapFileSourceTest::read);
    }

    static void checkBitFlips(byte[] full, int rounds, Random random,
            java.util.function.Function<byte[], ScapFileSourceTest.Read> reader) {
        List<long[]> blocks = blocks(full);
        List<Event> all = reader.apply(full).events();
        for (int round = 0; round < rounds; round++) {
            byte[] damaged = full.clone();
            int at = random.nextInt(damaged.length);
            damaged[at] ^= (byte) (1 << random.nextInt(8));
            long damagedBlockStart = blocks.stream().filter(b -> b[0] <= at && at < b[1]).findFirst()
                    .orElseThrow()[0];
            int intact = eventsEndingBy(blocks, damagedBlockStart);
            ScapFileSourceTest.Read r = reader.apply(damaged);
            assertThat(r.events().size()).as("events after a flip at %d", at).isGreaterThanOrEqualTo(intact);
            assertThat(r.events().subList(0, intact)).isEqualTo(all.subList(0, intact));
        }
    }

    /** The decompressed bytes of a shared capture. */
    static byte[] sharedCapture(String file) throws IOException {
        byte[] raw = Files.readAllBytes(Upstream.capture(file));
        if (raw.length > 1 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    /** Bytes at the start of a capture (section header, machine info, start of the process list) cut at every byte. */
    private static final int CUT_EVERY_BYTE_PREFIX = 1024;

    /**
     * Cut points of a shared capture, about two thousand: every byte of its first kilobyte and of its first two event
     * blocks, the boundaries (and neighbours) of every seventh block and of the first twenty event blocks, and seeded
     * random points.
     */
    static int[] cutPoints(byte[] full, Random random) {
        List<long[]> blocks = blocks(full);
        java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
        for (int at = 0; at < Math.min(CUT_EVERY_BYTE_PREFIX, full.length); at++) {
            cuts.add(at);
        }
        int events = 0;
        for (int i = 0; i < blocks.size(); i++) {
            long[] b = blocks.get(i);
            boolean event = isEvent(b[2]);
            if (event && events < 2) {
                for (long at = b[0]; at < b[1]; at++) {
                    cuts.add((int) at);
                }
            }
            if (i % 7 == 0 || event && events < 20) {
                for (int d : new int[] {-4, -1, 0, 1, 4, 8, 9}) {
                    cuts.add((int) Math.max(0, Math.min(full.length, b[1] + d)));
                }
            }
            if (event) {
                events++;
            }
        }
        for (int i = 0; i < 300; i++) {
            cuts.add(random.nextInt(full.length));
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"libs_sample.scap", "syscall.scap", "empty.scap"})
    void cutPoints_sharedCapture_deliverCompleteBlocksThenTruncated(String file) throws IOException {
        byte[] full = sharedCapture(file);
        Function<byte[], ScapFileSourceTest.Read> reader = b -> ScapFileSourceTest.read(b,
                TableEventShapes.standard());
        List<long[]> blocks = blocks(full);
        List<Event> all = reader.apply(full).events();
        assertThat(all).isNotEmpty();
        for (int cut : cutPoints(full, new Random(file.hashCode()))) {
            ScapFileSourceTest.Read r = reader.apply(Arrays.copyOf(full, cut));
            int expected = eventsEndingBy(blocks, cut);
            assertThat(r.events()).as("events of a cut at %d", cut).isEqualTo(all.subList(0, expected));
            if (cut < full.length && !isBlockBoundary(blocks, cut)) {
                assertThat(r.problem()).as("problem of a cut at %d", cut).isNotNull();
                assertThat(r.problem().kind()).isEqualTo(CaptureProblem.Kind.TRUNCATED);
                assertThat(r.problem().offset()).isEqualTo(cut);
            } else {
                assertThat(r.problem()).as("problem of a cut at block boundary %d", cut).isNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"libs_sample.scap", "syscall.scap", "cat_write.scap"})
    void seededBitFlips_sharedCapture_keepEventsBeforeTheDamagedBlock(String file) throws IOException {
        checkBitFlips(sharedCapture(file), 400, new Random(file.hashCode()),
                b -> ScapFileSourceTest.read(b, TableEventShapes.standard()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat_write.scap", "ping_sendto.scap"})
    void gzipDamage_sharedCapture_endsWithProblemAndAPrefix(String file) throws IOException {
        byte[] gz = Files.readAllBytes(Upstream.capture(file));
        Function<byte[], ScapFileSourceTest.Read> reader = b -> ScapFileSourceTest.read(b,
                TableEventShapes.standard());
        List<Event> all = reader.apply(gz).events();
        Random random = new Random(file.hashCode());
        for (int i = 0; i < 200; i++) {
            int at = random.nextInt(gz.length);
            byte[] damaged = i % 2 == 0 ? Arrays.copyOf(gz, at) : gz.clone();
            if (i % 2 == 1) {
                damaged[at] ^= (byte) (1 << random.nextInt(8));
            }
            ScapFileSourceTest.Read r = reader.apply(damaged);
            if (i % 2 == 0 && at > 0) {
                assertThat(r.problem()).as("problem of a cut at %d", at).isNotNull();
                assertThat(all.subList(0, r.events().size())).isEqualTo(r.events());
            }
        }
    }

    @Property(tries = 500, seed = "42")
    void anyBitFlipOrCut_neverThrows(@ForAll @IntRange(min = 0, max = 100_000) int where,
            @ForAll @IntRange(min = 0, max = 7) int bit, @ForAll boolean gzip, @ForAll boolean cut) {
        byte[] bytes = gzip ? ScapBytes.gzip(richCapture()) : richCapture();
        int at = where % bytes.length;
        byte[] damaged = cut ? Arrays.copyOf(bytes, at) : bytes.clone();
        if (!cut) {
            damaged[at] ^= (byte) (1 << bit);
        }
        ScapFileSourceTest.Read r = ScapFileSourceTest.read(damaged);
        assertThat(r.problem() != null || r.events().size() <= 6).isTrue();
    }
}
