package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.fields.SyscallBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stateful and derived fields sysdig 0.29.3 knows (thread counts, exec times, memory and page faults from
 * context switches, login shell, fd usage, absolute paths, buffer lengths, delta times) printed by {@code replay -p}
 * and by {@code sysdig -r FILE -p} on every shared capture, event by event. Peregrine follows current libsinsp;
 * where that changed a field's meaning since sysdig 0.29.3 (libs 0.10), the difference must match one of the
 * {@link Reason}s, anything else fails. Skipped when sysdig is not installed.
 */
class SysdigStateFieldsTest {
    static final List<String> FIELDS = List.of("proc.nthreads", "proc.nchilds", "proc.loginshellid", "proc.fdusage",
            "thread.exectime", "thread.totexectime", "evt.is_syslog", "evt.abspath", "thread.vmsize", "thread.vmrss",
            "thread.pfmajor", "thread.pfminor", "proc.vmsize", "proc.vmrss", "proc.vmswap", "evt.count.exit",
            "evt.rawtime.ns", "evt.deltatime", "evt.deltatime.ns", "evt.buflen", "thread.cpu", "evt.is_io", "evt.count.error");
    /** Printed before the compared fields, to explain differences (ours only: the generic events' names differ). */
    static final List<String> CONTEXT = List.of("evt.type", "proc.pid", "thread.ismain");
    /** sysdig 0.29.3 never prints meta events (procinfo, user and container events); neither does the comparison. */
    static final String NO_META_EVENTS = "evt.is_async=false";

    static Stream<String> captures() throws IOException {
        return SysdigComparisonTest.captures();
    }

    /** Why a field may differ from sysdig 0.29.3. */
    enum Reason {
        /** proc.nthreads: current libsinsp counts the live threads of the thread group; a thread whose procexit is
         * being parsed no longer counts, and an unknown thread (pid -1) has no group, so 0. sysdig 0.29.3 gave the
         * main thread's child counter plus one. */
        THREAD_GROUP_COUNT,
        /** proc.nchilds: current libsinsp gives the thread group's live threads other than a live leader, for every
         * thread of the process; sysdig 0.29.3 gave the thread's own counter (0 for a thread that is not the main
         * one). */
        NOT_LEADER_THREADS,
        /** evt.count.error: current libsinsp gives 0 for a call that succeeded, sysdig 0.29.3 no value. */
        ERROR_COUNT_ON_SUCCESS,
        /** See {@link SysdigComparisonTest.Reason#DATAGRAM_TUPLE}: current libsinsp knows the datagram socket of a
         * send exit, so I/O fields of the descriptor (evt.buflen) have a value. */
        DATAGRAM_TUPLE
    }

    @ParameterizedTest
    @MethodSource("captures")
    void print_stateFields_equalSysdigOrExplained(String capture) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sysdig")), "sysdig is not installed");
        Path file = Upstream.capture(capture);
        List<String> theirs = SysdigComparisonTest.sysdig(file, "*%evt.rawtime|%thread.tid|%" + String.join("|%", FIELDS));
        List<String> ours = new ArrayList<>();
        String format = "*%evt.rawtime|%thread.tid|%" + String.join("|%", CONTEXT) + "|%" + String.join("|%", FIELDS);
        EventPrinter.compile(format, NO_META_EVENTS, new SyscallBinding())
                .print(new ReplayPipeline("test-host", ZoneOffset.UTC).withEventsAsWritten(), file, ours::add);
        Files.createDirectories(SysdigComparisonTest.OUT);
        Files.write(SysdigComparisonTest.OUT.resolve(capture + ".state.sysdig.txt"), theirs);
        Files.write(SysdigComparisonTest.OUT.resolve(capture + ".state.peregrine.txt"), ours);
        Map<String, String[]> mine = new LinkedHashMap<>();
        for (String row : ours) {
            mine.putIfAbsent(SysdigComparisonTest.key(row), row.split("\\|", -1));
        }
        Map<Reason, Integer> explained = new EnumMap<>(Reason.class);
        List<String> unexplained = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String row : theirs) {
            String k = SysdigComparisonTest.key(row);
            if (seen.merge(k, 1, Integer::sum) > 1) {
                continue;
            }
            String[] t = row.split("\\|", -1);
            String[] m = mine.get(k);
            if (m == null) {
                unexplained.add("event missing: " + row);
                continue;
            }
            Map<String, String> context = new LinkedHashMap<>();
            for (int i = 0; i < CONTEXT.size(); i++) {
                context.put(CONTEXT.get(i), m[2 + i]);
            }
            for (int i = 0; i < FIELDS.size(); i++) {
                String a = t[2 + i];
                String b = m[2 + CONTEXT.size() + i];
                if (!a.equals(b)) {
                    Reason r = explain(FIELDS.get(i), a, b, context);
                    if (r == null) {
                        unexplained.add(k + " " + context + " " + FIELDS.get(i) + ": sysdig=" + a + " ours=" + b);
                    } else {
                        explained.merge(r, 1, Integer::sum);
                    }
                }
            }
        }
        Files.writeString(SysdigComparisonTest.OUT.resolve(capture + ".state.summary.txt"),
                "rows=" + theirs.size() + " explained=" + explained + "\n" + String.join("\n", unexplained) + "\n");
        assertThat(ours).hasSizeGreaterThanOrEqualTo(theirs.size());
        assertThat(unexplained).isEmpty();
    }

    /** {@return the reason a field may differ, or null} */
    static Reason explain(String field, String sysdig, String ours, Map<String, String> context) {
        String type = context.get("evt.type");
        boolean procexit = type.equals("procexit");
        return switch (field) {
            case "proc.nthreads" -> procexit || context.get("proc.pid").equals("-1") ? Reason.THREAD_GROUP_COUNT : null;
            case "proc.nchilds" -> context.get("thread.ismain").equals("false") && sysdig.equals("0")
                    ? Reason.NOT_LEADER_THREADS : procexit || context.get("proc.pid").equals("-1")
                    ? Reason.THREAD_GROUP_COUNT : null;
            case "evt.count.error" -> sysdig.equals("<NA>") && ours.equals("0") ? Reason.ERROR_COUNT_ON_SUCCESS : null;
            case "evt.buflen" -> sysdig.equals("<NA>") && (type.equals("sendmsg") || type.equals("sendto"))
                    ? Reason.DATAGRAM_TUPLE : null;
            default -> null;
        };
    }
}
