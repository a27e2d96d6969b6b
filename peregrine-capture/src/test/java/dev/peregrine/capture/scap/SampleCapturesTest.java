package dev.peregrine.capture.scap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.event.Event;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads every capture of {@code shared/upstream/scap}. Expected counts, timestamps and block inventories come from an
 * independent walk of the files (a 20-line Python script over the decompressed bytes, see the report of the
 * capture reader); events and process names are checked against {@code sysdig -r} (Debian sysdig 0.29.3) when it is
 * installed.
 */
class SampleCapturesTest {

    /** What an independent walk of each capture found. */
    record Expected(String file, int events, long firstTs, long lastTs, Map<String, Long> blocks) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Expected> captures() {
        return Stream.of(
                new Expected("cat_write.scap", 345, 1470327475999999999L, 1470327478999999999L,
                        inventory("SHB", 1, "MI", 1, "PL_V6", 1, "FDL", 73, "EV", 345, "IL", 1, "UL", 1)),
                new Expected("connect_localhost.scap", 374, 1522704422999999999L, 1522704423999999999L,
                        inventory("SHB", 1, "MI", 1, "PL_V7", 1, "FDL", 184, "EV", 374, "IL", 1, "UL", 1)),
                new Expected("empty.scap", 143, 1564595787999999999L, 1564595787999999999L,
                        inventory("SHB", 1, "MI", 1, "PL_V9", 1, "FDL_V2", 218, "EV_V2", 143, "IL_V2", 1, "UL_V2",
                                1)),
                new Expected("libs_curl_google.scap", 1536, 1534527342999999999L, 1534527350999999999L,
                        inventory("SHB", 1, "MI", 1, "PL_V5", 1, "FDL", 54, "EV", 1536, "IL", 1, "UL", 1)),
                new Expected("libs_sample.scap", 572, 1690557262753607000L, 1690557263691188056L,
                        inventory("SHB", 1, "MI", 1, "PL_V9", 1, "FDL_V2", 94, "EV_V2", 572, "IL_V2", 1, "UL_V2",
                                1)),
                new Expected("open-multiple-files.scap", 1272, 0L, 1486171335999999999L,
                        inventory("SHB", 1, "MI", 1, "PL_V6", 1, "FDL", 128, "EV", 1272, "IL", 1, "UL", 1)),
                new Expected("ping_sendto.scap", 1526, 1553620426999999999L, 1553620436999999999L,
                        inventory("SHB", 1, "MI", 1, "PL_V9", 1, "FDL_V2", 136, "EV_V2", 1526, "IL_V2", 1, "UL_V2",
                                1)),
                new Expected("syscall.scap", 368, 1523545099999999999L, 1523545100999999999L,
                        inventory("SHB", 1, "MI", 1, "PL_V8", 1, "FDL", 229, "EV", 368, "IL", 1, "UL", 1)));
    }

    private static Map<String, Long> inventory(Object... pairs) {
        Map<String, Long> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], ((Integer) pairs[i + 1]).longValue());
        }
        return m;
    }

    static Path capture(String file) {
        return Upstream.capture(file);
    }

    /** Everything one read of a capture file produced. */
    record Read(List<Event> events, List<ScapBlock> blocks, ScapFileSource source) {
        Map<Long, ThreadInfo> threads() {
            Map<Long, ThreadInfo> m = new LinkedHashMap<>();
            for (ScapBlock b : blocks) {
                if (b instanceof ScapBlock.Processes p) {
                    p.threads().forEach(t -> m.put(t.tid(), t));
                }
            }
            return m;
        }
    }

    static Read read(String file) throws IOException {
        List<ScapBlock> blocks = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (ScapFileSource s = ScapFileSource.openAsWritten(capture(file), blocks::add)) {
            while (s.next() == Next.EVENT) {
                events.add(Event.copyOf(s.event()));
            }
            assertThat(s.problem()).as("problem reading %s", file).isEmpty();
            return new Read(events, blocks, s);
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void read_sharedCapture_eventCountTimestampsAndBlocks(Expected e) throws IOException {
        Read r = read(e.file());

        assertThat(r.events()).hasSize(e.events());
        assertThat(r.events().getFirst().ts()).isEqualTo(e.firstTs());
        assertThat(r.events().getLast().ts()).isEqualTo(e.lastTs());
        assertThat(r.source().blockInventory()).isEqualTo(e.blocks());
        assertThat(r.source().skippedEvents()).isZero();
        assertThat(r.threads()).isNotEmpty();
        EventTable table = EventTable.get();
        for (Event ev : r.events()) {
            assertThat(ev.params().size()).as("params of %s", table.byCode(ev.type()).codeName())
                    .isLessThanOrEqualTo(table.byCode(ev.type()).params().size());
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void read_sharedCapture_matchesSysdigEventsInOrder(Expected e) throws Exception {
        List<String[]> lines = sysdig(e.file(), "%evt.num %evt.rawtime %thread.tid %evt.type %proc.name");
        Read r = read(e.file());
        EventTable table = EventTable.get();

        // sysdig 0.29.3 skips event codes newer than its table and does not print internal events, so its lines
        // are a subsequence of ours: match them in order by timestamp and thread
        int at = 0;
        int typeMatches = 0;
        for (String[] line : lines) {
            long ts = Long.parseLong(line[1]);
            long tid = Long.parseLong(line[2]);
            while (at < r.events().size() && !(r.events().get(at).ts() == ts && r.events().get(at).tid() == tid)) {
                at++;
            }
            assertThat(at).as("sysdig event %s %s %s found in order", line[0], line[1], line[2])
                    .isLessThan(r.events().size());
            if (typeName(table, r.events().get(at)).equals(line[3])) {
                typeMatches++;
            }
            at++;
        }
        assertThat(typeMatches).as("events whose type name sysdig agrees with").isEqualTo(lines.size());
    }

    /** Counts of events by {@code evt.type} name (generic events by syscall), as SOURCES.md states them. */
    @Test
    void read_sharedCaptures_eventsTheUpstreamTestsRelyOn() throws IOException {
        EventTable table = EventTable.get();
        Map<String, Long> catWrite = countByType(table, read("cat_write.scap").events());
        Map<String, Long> syscall = countByType(table, read("syscall.scap").events());
        Map<String, Long> openMultiple = countByType(table, read("open-multiple-files.scap").events());

        assertThat(catWrite).containsEntry("open", 8L).containsEntry("execve", 1L);
        // two madvise calls, each an enter and an exit generic event; Falco's rule matches the two exits
        assertThat(syscall).containsEntry("madvise", 4L).containsEntry("open", 8L);
        assertThat(read("syscall.scap").events()).filteredOn(e -> e.type() == EventTable.GENERIC_X)
                .filteredOn(e -> typeName(table, e).equals("madvise")).hasSize(2);
        assertThat(openMultiple).containsEntry("open", 26L).containsEntry("container", 3L);
    }

    private static Map<String, Long> countByType(EventTable table, List<Event> events) {
        Map<String, Long> counts = new HashMap<>();
        events.forEach(e -> counts.merge(typeName(table, e), 1L, Long::sum));
        return counts;
    }

    /** Captures where sysdig prints events of threads taken from the process list (before any exec or clone). */
    private static final Set<String> WITH_LISTED_PROCESSES = Set.of("libs_sample.scap", "open-multiple-files.scap");

    @ParameterizedTest
    @MethodSource("captures")
    void read_sharedCapture_processListAgreesWithSysdig(Expected e) throws Exception {
        List<String[]> lines = sysdig(e.file(), "%evt.num %evt.rawtime %thread.tid %proc.pid %proc.name ||%proc.args");
        Read r = read(e.file());
        Map<Long, ThreadInfo> threads = r.threads();
        Set<String> stateChanging = Set.of("execve", "execveat", "clone", "clone3", "fork", "vfork", "procexit",
                "prctl");
        EventTable table = EventTable.get();
        Map<Long, Long> firstChange = new HashMap<>();
        for (Event ev : r.events()) {
            if (stateChanging.contains(table.byCode(ev.type()).name())) {
                firstChange.putIfAbsent(ev.tid(), ev.ts());
            }
        }
        int compared = 0;
        for (String[] line : lines) {
            long ts = Long.parseLong(line[1]);
            long tid = Long.parseLong(line[2]);
            ThreadInfo t = threads.get(tid);
            if (t == null || ts >= firstChange.getOrDefault(tid, Long.MAX_VALUE)) {
                continue;
            }
            String[] nameAndArgs = line[4].split(" \\|\\|", 2);
            assertThat(Long.parseLong(line[3])).as("proc.pid of tid %d at event %s", tid, line[0])
                    .isEqualTo(t.pid());
            assertThat(t.comm()).as("proc.name of tid %d at event %s", tid, line[0]).isEqualTo(nameAndArgs[0]);
            assertThat(String.join(" ", t.args())).as("proc.args of tid %d", tid).isEqualTo(nameAndArgs[1]);
            compared++;
        }
        if (WITH_LISTED_PROCESSES.contains(e.file())) {
            assertThat(compared).as("events of listed processes compared").isPositive();
        }
    }

    /** {@return what {@code evt.type} shows: the event name, or for generic events the syscall their ID names} */
    static String typeName(EventTable table, Event e) {
        if (e.type() == EventTable.GENERIC_E || e.type() == EventTable.GENERIC_X) {
            byte[] id = e.param(0).bytes();
            String name = table.syscallName((id[0] & 0xFF) | (id[1] & 0xFF) << 8);
            return name == null || name.equals("unknown") ? "<unknown>" : name;
        }
        return table.byCode(e.type()).name();
    }

    static List<String[]> sysdig(String file, String format) throws Exception {
        Path sysdig = Stream.of("/usr/bin/sysdig", "/usr/local/bin/sysdig").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        assumeTrue(sysdig != null, "sysdig is not installed");
        Process p = new ProcessBuilder(sysdig.toString(), "-r", capture(file).toString(), "-p", format)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String[]> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.split(" ", 5));
            }
        }
        return lines;
    }
}
