package dev.peregrine.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.event.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cgroups parameter of live execve and clone exits (root, BTF and the compiled object; skipped otherwise). */
class LiveCgroupsTest {
    private static final int EXECVE_19_X = 293;
    private static final int PROCEXIT_1_E = 186;
    private static final List<Integer> CLONE_EXITS = List.of(223, 225, 227, 335);
    /** Parameter index of cgroups in execve (19) and clone (20) exits. */
    private static final int CGROUPS = 14;
    /** The controllers the driver reports, in its order (Falco's drivers report the same five). */
    private static final List<String> CONTROLLERS = List.of("cpuset", "cpu", "cpuacct", "io", "memory");
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static LiveSource source;

    @BeforeAll
    static void openDriver() {
        var reason = LiveSource.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "live capture unavailable: " + reason.orElseThrow());
        source = LiveSource.open(LiveSource.Options.defaults());
    }

    @AfterAll
    static void closeDriver() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void exec_child_cgroupsListTheControllersPathsOfProcCgroup() throws Exception {
        List<String> expected = expectedCgroups(ProcessHandle.current().pid());
        assertThat(expected).as("controllers of this kernel").isNotEmpty();

        Process p = new ProcessBuilder("/bin/true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = p.pid();
        List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);

        // The child inherits the JVM's cgroups.
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(EXECVE_19_X);
            assertThat(e.tid()).isEqualTo(pid);
            assertThat(strings(e, CGROUPS)).isEqualTo(expected);
        });
        assertThat(seen).anySatisfy(e -> {
            assertThat(CLONE_EXITS).contains(e.type());
            assertThat(LiveEvents.s64(e, 0)).as("clone res in the parent").isEqualTo(pid);
            assertThat(strings(e, CGROUPS)).isEqualTo(expected);
        });
    }

    /** The NUL-separated strings of a parameter. */
    private static List<String> strings(Event e, int i) {
        byte[] b = e.param(i).bytes();
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int j = 0; j < b.length; j++) {
            if (b[j] == 0) {
                out.add(new String(b, start, j - start, StandardCharsets.UTF_8));
                start = j + 1;
            }
        }
        return out;
    }

    /**
     * {@return "controller=path" for each of the five controllers this kernel has (/proc/cgroups), with the path of
     * its v1 hierarchy in /proc/PID/cgroup, or the unified (v2) path when it is not mounted in v1; v1 names the io
     * controller blkio}
     */
    private static List<String> expectedCgroups(long pid) throws Exception {
        Map<String, String> v1 = new HashMap<>();
        String v2 = null;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[1].isEmpty()) {
                v2 = f[2];
            }
            for (String c : f[1].split(",")) {
                v1.put(c.equals("blkio") ? "io" : c, f[2]);
            }
        }
        List<String> kernel = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/cgroups"))) {
            if (!line.startsWith("#")) {
                String name = line.split("\\s+")[0];
                kernel.add(name.equals("blkio") ? "io" : name);
            }
        }
        List<String> out = new ArrayList<>();
        for (String c : CONTROLLERS) {
            String path = v1.getOrDefault(c, v2);
            if (kernel.contains(c) && path != null) {
                out.add(c + "=" + path);
            }
        }
        return out;
    }
}
