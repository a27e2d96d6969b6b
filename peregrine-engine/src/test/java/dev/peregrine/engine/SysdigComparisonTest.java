package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.fields.SyscallBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Field-by-field comparison of {@code replay -p} with {@code sysdig -r FILE -p FORMAT} (Debian sysdig 0.29.3) on
 * every shared capture, with the events as written (sysdig 0.29.3 predates the conversion of old layouts). Skipped
 * when sysdig is not installed. Rows are aligned by time and thread; every difference must be explained by one of
 * the {@link Reason}s (a documented, intended deviation of Peregrine, which follows current libsinsp, from sysdig
 * 0.29.3); any other difference fails the test. The counts per capture and reason are written to
 * {@code target/sysdig-compare/summary.txt}.
 */
class SysdigComparisonTest {
    static final String FIELDS = "evt.num evt.type evt.dir proc.name proc.pname fd.name fd.sip fd.sport user.name evt.res";
    /** Time and thread lead each row so rows align even where the two number events differently. */
    static final String FORMAT = "*%evt.rawtime %thread.tid %" + String.join(" %", FIELDS.split(" "));
    static final Path OUT = Path.of("target", "sysdig-compare");


    static Stream<String> captures() throws IOException {
        try (Stream<Path> files = Files.list(Upstream.dir().resolve("scap"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".scap")).sorted().toList()
                    .stream();
        }
    }

    /** Why a field may differ from sysdig 0.29.3. */
    enum Reason {
        /** libsinsp now names only the generic exit by its syscall id ({@code sinsp_filter_check_event} TYPE_TYPE);
         * sysdig 0.29.3 names the generic enter too; Peregrine prints {@code syscall} for it. */
        GENERIC_ENTER_NAME,
        /** An unknown syscall id: current libsinsp prints {@code unknown} (ppm_sc 0), sysdig {@code <unknown>}. */
        UNKNOWN_SYSCALL_NAME,
        /** mmap/mmap2 carry EF_USES_FD in the current event table, so fd fields resolve their fd (or give the empty
         * name of extract_fdname_from_event when the mapping is anonymous); sysdig 0.29.3's table lacks the flag. */
        MMAP_USES_FD,
        /** sysdig 0.29.3 does not deliver the user/group meta events of newer captures, so it numbers the events
         * after them differently. */
        EVENT_NUMBERING,
        /** Current libsinsp has no connect-enter parser and its parse_connect_exit returns early on failure, so a
         * failed connect leaves the socket with the (empty) name socket() gave it; sysdig 0.29.3 named the socket
         * at the connect enter. */
        FAILED_CONNECT_NAME,
        /** For a thread that is not its process's main thread, current libsinsp finds proc.pname through the main
         * thread (get_ancestor_process: the process's parent); sysdig 0.29.3 took the thread that created it, which
         * is the same process (so it printed the process's own name). */
        THREAD_PARENT,
        /** Current libsinsp (parse_rw_exit) gives an unconnected datagram or raw socket the tuple of its
         * send/sendto/sendmsg exit (name, ends, role); sysdig 0.29.3 left it unnamed (ping_sendto.scap). */
        DATAGRAM_TUPLE
    }

    @ParameterizedTest
    @MethodSource("captures")
    void print_everyCapture_matchesSysdigFieldByField(String capture) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sysdig")), "sysdig is not installed");
        Path file = Upstream.capture(capture);
        List<String> sysdig = sysdig(file);
        List<String> ours = new ArrayList<>();
        EventPrinter printer = EventPrinter.compile(FORMAT, null, new SyscallBinding());
        ReplayStats stats = printer.print(new ReplayPipeline("test-host", ZoneOffset.UTC).withEventsAsWritten(),
                file, ours::add);
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(capture + ".sysdig.txt"), sysdig);
        Files.write(OUT.resolve(capture + ".peregrine.txt"), ours);
        assertThat(stats.problem()).isEmpty();

        Map<String, String[]> theirs = byKey(sysdig);
        Map<String, String[]> mine = byKey(ours);
        String[] names = FIELDS.split(" ");
        boolean metaUserEvents = ours.stream().anyMatch(r -> r.contains(" useradded ") || r.contains(" groupadded "));
        Map<Reason, Integer> explained = new java.util.EnumMap<>(Reason.class);
        List<String> unexplained = new ArrayList<>();
        int missing = 0;
        for (var e : theirs.entrySet()) {
            String[] t = e.getValue();
            String[] m = mine.get(e.getKey());
            if (m == null) {
                missing++;
                unexplained.add(capture + " " + e.getKey() + ": event missing; sysdig=" + String.join(" ", t));
                continue;
            }
            for (int i = 0; i < names.length; i++) {
                if (!t[i].equals(m[i])) {
                    Reason r = explain(names[i], t, m, metaUserEvents);
                    if (r == null) {
                        unexplained.add(capture + " " + e.getKey() + " " + names[i] + ": sysdig=" + t[i] + " ours="
                                + m[i] + "   [sysdig row: " + String.join(" ", t) + "]");
                    } else {
                        explained.merge(r, 1, Integer::sum);
                    }
                }
            }
        }
        Files.write(OUT.resolve(capture + ".diff.txt"), unexplained);
        Files.writeString(OUT.resolve("summary.txt"), capture + " rows=" + theirs.size() + " explained=" + explained
                + " unexplained=" + unexplained.size() + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(mine.size()).as("rows printed").isGreaterThanOrEqualTo(theirs.size());
        assertThat(unexplained).as("differences without a reason (missing events: %d)", missing).isEmpty();
    }

    /**
     * Fields that agree exactly with sysdig 0.29.3 on every shared capture (no deviation to explain). Not listed:
     * proc.sname, because sysdig 0.29.3 finds a session leader even when the session id is unset (-1, old
     * captures) while current libsinsp's get_oldest_matching_ancestor gives none (the empty string).
     */
    static final List<String> EXACT = List.of("evt.time", "evt.datetime", "evt.time.s", "evt.rawtime", "proc.cmdline",
            "proc.exe", "proc.exepath", "proc.args", "proc.aname[2]", "fd.cip", "fd.cport", "fd.rip",
            "fd.lport", "fd.rport", "fd.lip", "user.uid", "user.loginuid", "group.name", "evt.is_open_read",
            "evt.is_open_write", "thread.tid", "proc.tty");

    @ParameterizedTest
    @MethodSource("captures")
    void print_exactFields_equalSysdig(String capture) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sysdig")), "sysdig is not installed");
        Path file = Upstream.capture(capture);
        // libs_sample.scap was written by a newer libscap whose process list sysdig 0.29.3 misreads (a garbage
        // loginuid, tty 0), and it has unix sockets with a role, for which sysdig 0.29.3 prints fd.cport 0 where
        // current libsinsp (TYPE_CLIENTPORT: IP sockets only) gives no value: those fields are compared on the
        // older captures only.
        // ping_sendto.scap: current libsinsp gives the unconnected ICMP socket the tuple of its sendmsg calls
        // (Reason.DATAGRAM_TUPLE), so its socket ends are compared on the other captures only.
        List<String> fields = switch (capture) {
            case "libs_sample.scap" -> EXACT.stream()
                    .filter(f -> !f.equals("user.loginuid") && !f.equals("proc.tty") && !f.equals("fd.cport")).toList();
            case "ping_sendto.scap" -> EXACT.stream().filter(f -> !f.startsWith("fd.")).toList();
            default -> EXACT;
        };
        String format = "*%evt.rawtime|%thread.tid|%" + String.join("|%", fields);
        List<String> theirs = sysdig(file, format);
        List<String> ours = new ArrayList<>();
        EventPrinter.compile(format, null, new SyscallBinding())
                .print(new ReplayPipeline("test-host", ZoneOffset.UTC).withEventsAsWritten(), file, ours::add);
        Map<String, String> mine = new LinkedHashMap<>();
        for (String row : ours) {
            mine.put(key(row), row);
        }
        List<String> diffs = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String row : theirs) {
            String k = key(row);
            int n = seen.merge(k, 1, Integer::sum);
            if (n > 1) {
                continue;
            }
            String m = mine.get(k);
            if (m != null && !m.equals(row)) {
                diffs.add("sysdig: " + row + "\nours:   " + m);
            }
        }
        assertThat(ours).hasSizeGreaterThanOrEqualTo(theirs.size());
        assertThat(diffs).isEmpty();
    }

    static String key(String row) {
        int second = row.indexOf('|', row.indexOf('|') + 1);
        return second < 0 ? row : row.substring(0, second);
    }

    /** {@return the reason a field may differ, or null} */
    static Reason explain(String field, String[] sysdig, String[] ours, boolean metaUserEvents) {
        String type = sysdig[1];
        boolean send = type.equals("sendmsg") || type.equals("sendto") || type.equals("send");
        if (send && (field.equals("fd.name") || field.equals("fd.sip") || field.equals("fd.sport"))
                && (sysdig[5].isEmpty() || sysdig[5].equals("<NA>"))) {
            return Reason.DATAGRAM_TUPLE;
        }
        return switch (field) {
            case "evt.num" -> metaUserEvents ? Reason.EVENT_NUMBERING : null;
            case "evt.type" -> {
                if (ours[1].equals("syscall") && ours[2].equals(">")) {
                    yield Reason.GENERIC_ENTER_NAME;
                }
                if (sysdig[1].equals("<unknown>") && (ours[1].equals("unknown") || ours[1].equals("syscall"))) {
                    yield Reason.UNKNOWN_SYSCALL_NAME;
                }
                yield null;
            }
            case "fd.name" -> {
                if ((type.equals("mmap") || type.equals("mmap2")) && sysdig[5].equals("<NA>")) {
                    yield Reason.MMAP_USES_FD;
                }
                if (type.equals("connect") && ours[5].isEmpty() && !sysdig[9].equals("SUCCESS")) {
                    yield Reason.FAILED_CONNECT_NAME;
                }
                yield null;
            }
            case "proc.pname" -> sysdig[4].equals(ours[3]) && !ours[4].equals(ours[3]) ? Reason.THREAD_PARENT : null;
            default -> null;
        };
    }

    /** Splits each row into its ten fields keyed by time, thread and occurrence; fd.name may contain spaces, so it
     * is what lies between proc.pname and the last four fields. */
    private static Map<String, String[]> byKey(List<String> rows) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String row : rows) {
            String[] p = row.split(" ", -1);
            if (p.length < 12) {
                continue;
            }
            String[] f = new String[10];
            System.arraycopy(p, 2, f, 0, 5);
            f[5] = String.join(" ", java.util.Arrays.copyOfRange(p, 7, p.length - 4));
            System.arraycopy(p, p.length - 4, f, 6, 4);
            String key = p[0] + "/" + p[1];
            int n = 0;
            while (out.containsKey(key + "#" + n)) {
                n++;
            }
            out.put(key + "#" + n, f);
        }
        return out;
    }

    private static List<String> sysdig(Path file) throws Exception {
        return sysdig(file, FORMAT);
    }

    /** {@return the lines {@code sysdig -r FILE -p FORMAT} prints (UTC)} */
    static List<String> sysdig(Path file, String format) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/sysdig", "-r", file.toString(), "-p", format);
        pb.environment().put("TZ", "UTC");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(bytes, StandardCharsets.UTF_8).lines().toList();
    }
}
