package dev.peregrine.capture.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.event.Event;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EventConverterTest {
    private static final EventTable TABLE = EventTable.get();
    private static final long TID = 42;

    static int code(String codeName) {
        return TABLE.all().stream().filter(e -> e.codeName().equals(codeName)).findFirst().orElseThrow().code();
    }

    /** Builds an event in the current header layout (2-byte lengths) from raw parameter values. */
    static byte[] event(String codeName, long tid, byte[]... params) {
        ByteArrayOutputStream values = new ByteArrayOutputStream();
        for (byte[] p : params) {
            values.writeBytes(p);
        }
        int len = EventView.HEADER_BYTES + 2 * params.length + values.size();
        byte[] b = new byte[len];
        putLe(b, 0, 1_000L, 8);
        putLe(b, 8, tid, 8);
        putLe(b, 16, len, 4);
        putLe(b, 20, code(codeName), 2);
        putLe(b, 22, params.length, 4);
        for (int i = 0; i < params.length; i++) {
            putLe(b, EventView.HEADER_BYTES + 2 * i, params[i].length, 2);
        }
        System.arraycopy(values.toByteArray(), 0, b, EventView.HEADER_BYTES + 2 * params.length, values.size());
        return b;
    }

    static byte[] le(long v, int bytes) {
        byte[] b = new byte[bytes];
        putLe(b, 0, v, bytes);
        return b;
    }

    static byte[] str(String s) {
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[raw.length + 1];
        System.arraycopy(raw, 0, b, 0, raw.length);
        return b;
    }

    private static void putLe(byte[] b, int at, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static EventView view(byte[] bytes) {
        EventView v = EventView.forTable(TABLE);
        v.pointAt(MemorySegment.ofArray(bytes), 0, 3);
        assertThat(v.findMalformation(bytes.length)).isNull();
        return v;
    }

    @Test
    void convert_currentExitEvent_passesUnchanged() {
        EventConverter c = EventConverter.standard();
        byte[] open = event("PPME_SYSCALL_OPEN_X", TID, le(3, 8), str("/etc/passwd"), le(1, 4), le(0, 4), le(7, 4),
                le(9, 8));

        assertThat(c.convert(view(open))).isEqualTo(EventConverter.Result.PASS);
    }

    @Test
    void convert_oldReadEnterThenExit_dropsEnterAndCompletesExit() {
        EventConverter c = EventConverter.standard();
        byte[] enter = event("PPME_SYSCALL_READ_E", TID, le(5, 8), le(100, 4));
        byte[] exit = event("PPME_SYSCALL_READ_X", TID, le(10, 8), "0123456789".getBytes(StandardCharsets.US_ASCII));

        assertThat(c.convert(view(enter))).isEqualTo(EventConverter.Result.DROP);
        assertThat(c.convert(view(exit))).isEqualTo(EventConverter.Result.CONVERTED);

        Event e = Event.copyOf(c.converted());
        assertThat(e.type()).isEqualTo(code("PPME_SYSCALL_READ_X"));
        assertThat(e.params()).hasSize(TABLE.byCode(e.type()).params().size());
        assertThat(e.param(0).bytes()).isEqualTo(le(10, 8));
        assertThat(e.param(2).bytes()).as("fd from the enter event").isEqualTo(le(5, 8));
        assertThat(e.param(3).bytes()).as("size from the enter event").isEqualTo(le(100, 4));
        assertThat(e.cpu()).isEqualTo(3);
        assertThat(c.converted().len()).isEqualTo(EventView.HEADER_BYTES + 2 * 4 + 8 + 10 + 8 + 4);
        assertThat(c.droppedCount()).isEqualTo(1);
    }

    @Test
    void convert_exitWithoutEnter_getsDefaults() {
        EventConverter c = EventConverter.standard();
        byte[] exit = event("PPME_SYSCALL_READ_X", TID, le(10, 8), new byte[0]);

        assertThat(c.convert(view(exit))).isEqualTo(EventConverter.Result.CONVERTED);

        Event e = Event.copyOf(c.converted());
        assertThat(e.param(2).bytes()).as("default fd").isEqualTo(le(0, 8));
        assertThat(e.param(3).bytes()).as("default size").isEqualTo(le(0, 4));
    }

    @Test
    void convert_enterOfAnotherThread_isNotUsed() {
        EventConverter c = EventConverter.standard();
        c.convert(view(event("PPME_SYSCALL_READ_E", TID + 1, le(5, 8), le(100, 4))));

        assertThat(c.convert(view(event("PPME_SYSCALL_READ_X", TID, le(10, 8), new byte[0]))))
                .isEqualTo(EventConverter.Result.CONVERTED);
        assertThat(Event.copyOf(c.converted()).param(2).bytes()).isEqualTo(le(0, 8));
    }

    @Test
    void convert_enterOfAnotherSyscallStashed_isTreatedAsMissingAndCounted() {
        EventConverter c = EventConverter.standard();
        // an exit_group that never returned leaves its generic enter event stashed for the thread
        c.convert(view(event("PPME_GENERIC_E", TID, le(scCode("exit_group"), 2), le(231, 2))));

        assertThat(c.convert(view(event("PPME_SYSCALL_READ_X", TID, le(1, 8), new byte[1]))))
                .isEqualTo(EventConverter.Result.CONVERTED);

        assertThat(Event.copyOf(c.converted()).param(2).bytes()).as("default fd").isEqualTo(le(0, 8));
        assertThat(c.mismatchedEnterCount()).isEqualTo(1);
    }

    @Test
    void convert_genericEnterAndOldExit_exitCarriesSyscallIdAndResolvesItsName() {
        EventConverter c = EventConverter.standard();
        int madvise = scCode("madvise");
        byte[] enter = event("PPME_GENERIC_E", TID, le(madvise, 2), le(28, 2));
        byte[] exit = event("PPME_GENERIC_X", TID, le(madvise, 2));

        assertThat(c.convert(view(enter))).isEqualTo(EventConverter.Result.DROP);
        assertThat(c.convert(view(exit))).isEqualTo(EventConverter.Result.CONVERTED);

        EventView v = c.converted();
        assertThat(v.nparams()).isEqualTo(2);
        assertThat(v.paramU16(1)).as("native id from the enter event").isEqualTo(28);
        assertThat(EventConverter.syscallName(v, TABLE)).isEqualTo("madvise");
    }

    @Test
    void convert_openEnterWithoutParameters_getsEmptyParametersAndSurvives() {
        EventConverter c = EventConverter.standard();

        assertThat(c.convert(view(event("PPME_SYSCALL_OPEN_E", TID)))).isEqualTo(EventConverter.Result.CONVERTED);

        EventView v = c.converted();
        assertThat(v.type()).isEqualTo(code("PPME_SYSCALL_OPEN_E"));
        assertThat(v.nparams()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(v.paramLength(i)).isZero();
        }
    }

    @Test
    void convert_oldOpenExit_growsToCurrentLayoutThroughTwoRules() {
        EventConverter c = EventConverter.standard();
        byte[] exit = event("PPME_SYSCALL_OPEN_X", TID, le(3, 8), str("/dev/null"), le(1, 4), le(0, 4));

        assertThat(c.convert(view(exit))).isEqualTo(EventConverter.Result.CONVERTED);

        EventView v = c.converted();
        assertThat(v.nparams()).isEqualTo(6);
        assertThat(v.paramLength(4)).as("dev, empty").isZero();
        assertThat(v.paramLength(5)).as("ino, empty").isZero();
        assertThat(Event.copyOf(v).param(1).asString()).isEqualTo("/dev/null");
    }

    @Test
    void convert_oldEventVersion_changesToCurrentCode() {
        EventConverter c = EventConverter.standard();
        c.convert(view(event("PPME_SYSCALL_UNLINK_E", TID, str("/tmp/x"))));

        assertThat(c.convert(view(event("PPME_SYSCALL_UNLINK_X", TID, le(0, 8)))))
                .isEqualTo(EventConverter.Result.CONVERTED);

        Event e = Event.copyOf(c.converted());
        assertThat(TABLE.byCode(e.type()).codeName()).isEqualTo("PPME_SYSCALL_UNLINK_2_X");
        assertThat(e.param(0).bytes()).isEqualTo(le(0, 8));
        assertThat(e.param(1).asString()).isEqualTo("/tmp/x");
    }

    @Test
    void convert_uidDefault_isMinusOne() {
        EventConverter c = EventConverter.standard();
        // SETUID_X with only res: the uid comes from the (missing) enter event and defaults
        byte[] exit = event("PPME_SYSCALL_SETUID_X", TID, le(0, 8));
        EventConverter.Result r = c.convert(view(exit));

        assertThat(r).isEqualTo(EventConverter.Result.CONVERTED);
        EventView v = c.converted();
        int uidParam = paramIndex(v.type(), "uid");
        assertThat(v.paramLength(uidParam) == 0 || v.paramU32(uidParam) == -1)
                .as("uid is empty or the uid default 0xFFFFFFFF").isTrue();
    }

    @Test
    void convert_moreParametersThanTheTable_isAnErrorNamingTheEvent() {
        EventConverter c = EventConverter.standard();
        byte[] exit = event("PPME_SYSCALL_CLOSE_X", TID, le(0, 8), le(3, 8), le(3, 8));

        assertThat(c.convert(view(exit))).isEqualTo(EventConverter.Result.ERROR);
        assertThat(c.error()).contains("PPME_SYSCALL_CLOSE_X").contains("more parameters (3)");
    }

    @Test
    void convert_layoutWithoutRule_isAnError() {
        EventConverter c = EventConverter.standard();
        // an exit event with fewer parameters than the table lists and no rule for that count
        byte[] exit = event("PPME_SYSCALL_EXECVE_19_X", TID, le(0, 8));

        assertThat(c.convert(view(exit))).isEqualTo(EventConverter.Result.ERROR);
        assertThat(c.error()).contains("PPME_SYSCALL_EXECVE_19_X").contains("no rule");
    }

    @Test
    void convert_unusedEvent_isDropped() {
        EventConverter c = EventConverter.standard();

        assertThat(c.convert(view(event("PPME_PAGE_FAULT_X", TID)))).isEqualTo(EventConverter.Result.DROP);
    }

    @Test
    void ruleCount_isLibscapsTable() {
        assertThat(EventConverter.standard().ruleCount()).isEqualTo(253);
    }

    @Test
    void convert_manyEvents_allocatesNothingInSteadyState() {
        EventConverter c = EventConverter.standard();
        EventView enter = view(event("PPME_SYSCALL_READ_E", TID, le(5, 8), le(100, 4)));
        EventView exit = view(event("PPME_SYSCALL_READ_X", TID, le(10, 8), new byte[16]));
        for (int i = 0; i < 10_000; i++) {
            c.convert(enter);
            c.convert(exit);
        }
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            c.convert(enter);
            c.convert(exit);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 200k conversions").isLessThan(64 * 1024);
    }

    /** Event counts by {@code evt.type} and direction after conversion, as Falco's engine sees the captures. */
    @Test
    void open_sharedCaptures_eventTypeCountsAfterConversion() throws IOException {
        Map<String, Integer> catWrite = countsOf("cat_write.scap");
        Map<String, Integer> syscall = countsOf("syscall.scap");
        Map<String, Integer> openMultiple = countsOf("open-multiple-files.scap");
        Map<String, Integer> connect = countsOf("connect_localhost.scap");

        // libscap passes OPEN_E through (still emitted by the current driver): 4 enter + 4 exit, Falco's 8 alerts
        assertThat(catWrite).containsEntry("open >", 4).containsEntry("open <", 4)
                .containsEntry("close <", 6).doesNotContainKey("close >").doesNotContainKey("mmap >");
        assertThat(catWrite.get("open >") + catWrite.get("open <")).isEqualTo(8);
        // GENERIC_E is stored and dropped; the two exits carry the id: evt.type=madvise fires 2 times
        assertThat(syscall).containsEntry("madvise <", 2).doesNotContainKey("madvise >")
                .containsEntry("open >", 4).containsEntry("open <", 4);
        assertThat(openMultiple).containsEntry("open >", 13).containsEntry("open <", 13)
                .containsEntry("container >", 3);
        assertThat(connect).containsEntry("connect >", 1).containsEntry("connect <", 1)
                .containsEntry("socket <", 3).doesNotContainKey("socket >");
    }

    @Test
    void open_sharedCaptures_everyEventHasTheCurrentLayout() throws IOException {
        for (String file : List.of("cat_write.scap", "connect_localhost.scap", "empty.scap", "libs_curl_google.scap",
                "libs_sample.scap", "open-multiple-files.scap", "ping_sendto.scap", "syscall.scap")) {
            try (ScapFileSource s = ScapFileSource.open(capture(file), b -> { })) {
                long n = 0;
                while (s.next() == Next.EVENT) {
                    EventView v = s.event();
                    EventTable.EventInfo info = TABLE.byCode(v.type());
                    assertThat(info.hasFlag("EF_OLD_VERSION")).as("%s in %s", info.codeName(), file).isFalse();
                    assertThat(info.hasFlag("EF_UNUSED")).as("%s in %s", info.codeName(), file).isFalse();
                    // events the converter does not manage pass as written (libsinsp reads what is there)
                    if (info.hasFlag("EF_CONVERTER_MANAGED")) {
                        assertThat(v.nparams()).as("params of %s in %s", info.codeName(), file)
                                .isEqualTo(info.params().size());
                    } else {
                        assertThat(v.nparams()).as("params of %s in %s", info.codeName(), file)
                                .isLessThanOrEqualTo(info.params().size());
                    }
                    assertThat(v.findMalformation(v.len())).isNull();
                    n++;
                }
                assertThat(s.problem()).as(file).isEmpty();
                assertThat(n + s.droppedEvents()).as("delivered + dropped of %s", file)
                        .isEqualTo(rawCount(file));
            }
        }
    }

    private static long rawCount(String file) throws IOException {
        try (ScapFileSource s = ScapFileSource.openAsWritten(capture(file), b -> { })) {
            while (s.next() == Next.EVENT) {
                // count only
            }
            return s.eventCount();
        }
    }

    static Path capture(String file) {
        String property = System.getProperty("peregrine.upstream");
        Path dir = property != null && Files.isDirectory(Path.of(property)) ? Path.of(property)
                : Path.of("/work/shared/upstream");
        return dir.resolve("scap").resolve(file);
    }

    private static Map<String, Integer> countsOf(String file) throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        try (ScapFileSource s = ScapFileSource.open(capture(file), b -> { })) {
            while (s.next() == Next.EVENT) {
                EventView v = s.event();
                String name = v.type() <= EventTable.GENERIC_X ? EventConverter.syscallName(v, TABLE)
                        : TABLE.byCode(v.type()).name();
                String dir = TABLE.byCode(v.type()).direction() == EventTable.Direction.ENTER ? ">" : "<";
                m.merge(name + " " + dir, 1, Integer::sum);
            }
            s.problem().ifPresent(p -> problems.add(p.render()));
        }
        assertThat(problems).isEmpty();
        return m;
    }

    private static int scCode(String name) {
        for (int i = 0; i < TABLE.syscallCount(); i++) {
            if (name.equals(TABLE.syscallName(i))) {
                return i;
            }
        }
        throw new AssertionError(name);
    }

    private static int paramIndex(int code, String name) {
        var params = TABLE.byCode(code).params();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name);
    }
}
