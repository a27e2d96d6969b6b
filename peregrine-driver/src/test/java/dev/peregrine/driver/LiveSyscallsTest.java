package dev.peregrine.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.event.Event;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The syscalls beyond open/close/connect/exec/clone, performed for real (root, BTF and the compiled object needed;
 * skipped otherwise). One Python script issues each syscall by number from one thread and prints the results; the
 * events of that thread are then compared with them parameter by parameter. Java actions (Files.createLink and
 * friends) check that whatever syscall the JDK picks arrives as one of the family's events.
 */
class LiveSyscallsTest {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long AT_FDCWD = -100;
    private static final int PROCEXIT_1_E = 186;
    private static final int OPENAT_2_X = 307;

    private static LiveSource source;

    @TempDir
    Path dir;

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






    /** The single event of the given type among events, failing when there is none or several. */
    private static Event only(List<Event> events, int type) {
        List<Event> of = events.stream().filter(e -> e.type() == type).toList();
        assertThat(of).as("events of type %d", type).hasSize(1);
        return of.getFirst();
    }

    private record ScriptRun(Map<String, Long> results, List<Event> events) {
        long get(String key) {
            assertThat(results).containsKey(key);
            return results.get(key);
        }
    }

    /** Runs the script in dir and returns what it printed and the events of its thread, up to its exit. */
    private ScriptRun runScript() throws Exception {
        Path script = dir.resolve("syscalls.py");
        try (InputStream in = LiveSyscallsTest.class.getResourceAsStream("syscalls.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path work = Files.createDirectory(dir.resolve("work")).toRealPath();
        Process p;
        try {
            p = new ProcessBuilder("python3", script.toString(), work.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 not available: " + e.getMessage());
            throw e;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        Map<String, Long> results = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                results.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        long pid = p.pid();
        List<Event> events = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS).stream()
                .filter(e -> e.tid() == pid).toList();
        // The same pid first runs the JDK's spawn helper and possibly an interpreter shim: keep the events from
        // the script's first syscall (the open of the work directory) on.
        int start = 0;
        while (start < events.size()
                && !(events.get(start).type() == OPENAT_2_X && LiveEvents.str(events.get(start), 2).equals(work.toString()))) {
            start++;
        }
        assertThat(start).as("script's open of its directory seen").isLessThan(events.size());
        return new ScriptRun(results, events.subList(start, events.size()));
    }

    private String work(String name) throws IOException {
        return dir.resolve("work").toRealPath() + "/" + name;
    }

    @Test
    void script_everyNewSyscall_eventCarriesFalcosExitParameters() throws Exception {
        ScriptRun run = runScript();
        List<Event> ev = run.events();
        long dirfd = run.get("dirfd");

        // 1. links, unlink, rename
        Event link = only(ev, 309);
        assertThat(LiveEvents.s64(link, 0)).isZero();
        assertThat(LiveEvents.str(link, 1)).isEqualTo(work("open.txt"));
        assertThat(LiveEvents.str(link, 2)).isEqualTo(work("link1"));
        Event linkat = only(ev, 311);
        assertThat(link.params()).hasSize(3);
        assertThat(linkat.params()).hasSize(6);
        assertThat(LiveEvents.s64(linkat, 0)).isZero();
        assertThat(LiveEvents.s64(linkat, 1)).isEqualTo(dirfd);
        assertThat(LiveEvents.str(linkat, 2)).isEqualTo("open.txt");
        assertThat(LiveEvents.s64(linkat, 3)).isEqualTo(AT_FDCWD);
        assertThat(LiveEvents.str(linkat, 4)).isEqualTo(work("link2"));
        assertThat(LiveEvents.u32(linkat, 5)).as("PPM_AT_SYMLINK_FOLLOW").isEqualTo(0x400);
        Event symlink = only(ev, 179);
        assertThat(LiveEvents.s64(symlink, 0)).isZero();
        assertThat(LiveEvents.str(symlink, 1)).isEqualTo("/etc/shadow");
        assertThat(LiveEvents.str(symlink, 2)).isEqualTo(work("sym1"));
        Event symlinkat = only(ev, 181);
        assertThat(symlinkat.params()).hasSize(4);
        assertThat(LiveEvents.str(symlinkat, 1)).isEqualTo("/etc/shadow");
        assertThat(LiveEvents.s64(symlinkat, 2)).isEqualTo(dirfd);
        assertThat(LiveEvents.str(symlinkat, 3)).isEqualTo("sym2");
        Event unlink = only(ev, 301);
        assertThat(LiveEvents.s64(unlink, 0)).isZero();
        assertThat(LiveEvents.str(unlink, 1)).isEqualTo(work("link1"));
        List<Event> unlinkats = ev.stream().filter(e -> e.type() == 303).toList();
        assertThat(unlinkats).hasSize(2);
        assertThat(LiveEvents.s64(unlinkats.get(0), 1)).isEqualTo(dirfd);
        assertThat(LiveEvents.str(unlinkats.get(0), 2)).isEqualTo("link2");
        assertThat(LiveEvents.u32(unlinkats.get(0), 3)).isZero();
        assertThat(LiveEvents.str(unlinkats.get(1), 2)).isEqualTo("dir2");
        assertThat(LiveEvents.u32(unlinkats.get(1), 3)).as("PPM_AT_REMOVEDIR").isEqualTo(0x200);
        Event rename = only(ev, 175);
        assertThat(LiveEvents.str(rename, 1)).isEqualTo(work("sym1"));
        assertThat(LiveEvents.str(rename, 2)).isEqualTo(work("sym1r"));
        Event renameat = only(ev, 177);
        assertThat(renameat.params()).hasSize(5);
        assertThat(LiveEvents.s64(renameat, 1)).isEqualTo(dirfd);
        assertThat(LiveEvents.str(renameat, 2)).isEqualTo("sym2");
        assertThat(LiveEvents.s64(renameat, 3)).isEqualTo(dirfd);
        assertThat(LiveEvents.str(renameat, 4)).isEqualTo("sym2r");
        Event renameat2 = only(ev, 319);
        assertThat(renameat2.params()).hasSize(6);
        assertThat(LiveEvents.s64(renameat2, 0)).isZero();
        assertThat(LiveEvents.str(renameat2, 4)).isEqualTo("sym2n");
        assertThat(LiveEvents.u32(renameat2, 5)).as("PPM_RENAME_NOREPLACE").isEqualTo(1);

        // 2. ptrace, modules, memfd
        long child = run.get("child");
        List<Event> ptraces = ev.stream().filter(e -> e.type() == 169).toList();
        assertThat(ptraces).hasSize(2);
        Event attach = ptraces.get(0);
        assertThat(LiveEvents.s64(attach, 0)).isZero();
        assertThat(attach.param(1).bytes()).hasSize(9);
        assertThat(LiveEvents.u16(attach, 3)).as("PPM_PTRACE_ATTACH").isEqualTo(11);
        assertThat(LiveEvents.s64(attach, 4)).isEqualTo(child);
        Event detach = ptraces.get(1);
        assertThat(LiveEvents.u16(detach, 3)).as("PPM_PTRACE_DETACH").isEqualTo(12);
        assertThat(detach.param(2).bytes()).as("PPM_PTRACE_IDX_SIGTYPE, signal 0").containsExactly(1, 0);
        Event init = only(ev, 411);
        assertThat(LiveEvents.s64(init, 0)).as("a garbage image fails").isEqualTo(run.get("init_module")).isNegative();
        assertThat(init.param(1).bytes()).asString(StandardCharsets.US_ASCII).isEqualTo("not-a-module");
        assertThat(LiveEvents.s64(init, 2)).isEqualTo(12);
        assertThat(LiveEvents.str(init, 3)).isEqualTo("pg=1");
        Event finit = only(ev, 413);
        assertThat(LiveEvents.s64(finit, 0)).isNegative();
        assertThat(LiveEvents.str(finit, 2)).isEqualTo("pg=2");
        assertThat(LiveEvents.u32(finit, 3)).isZero();
        Event memfd = only(ev, 405);
        assertThat(LiveEvents.s64(memfd, 0)).isEqualTo(run.get("memfd_create")).isNotNegative();
        assertThat(LiveEvents.str(memfd, 1)).isEqualTo("pg-memfd");
        assertThat(LiveEvents.u32(memfd, 2)).as("PPM_MFD_CLOEXEC").isEqualTo(1);

        // 3. sockets
        Event sock = ev.stream().filter(e -> e.type() == 19 && LiveEvents.s64(e, 0) == run.get("socket")).findFirst()
                .orElseThrow();
        assertThat(LiveEvents.u32(sock, 1)).as("PPM_AF_INET").isEqualTo(2);
        assertThat(LiveEvents.u32(sock, 2) & 0xf).as("SOCK_STREAM").isEqualTo(1);
        assertThat(LiveEvents.u32(sock, 4)).as("PPM_O_NONBLOCK").isEqualTo(1 << 6);
        long port = run.get("port");
        Event bind = only(ev, 21);
        assertThat(LiveEvents.s64(bind, 0)).isZero();
        assertThat(LiveEvents.s64(bind, 2)).isEqualTo(run.get("server"));
        byte[] addr = bind.param(1).bytes();
        assertThat(addr).hasSize(7);
        assertThat(addr[0]).as("PPM_AF_INET").isEqualTo((byte) 2);
        Event listen = only(ev, 25);
        assertThat(LiveEvents.s64(listen, 1)).isEqualTo(run.get("server"));
        assertThat(LiveEvents.u32(listen, 2)).isEqualTo(7);
        Event plainAccept = ev.stream().filter(e -> e.type() == 247 && LiveEvents.s64(e, 0) == run.get("accept")).findFirst()
                .orElseThrow();
        assertThat(plainAccept.params()).hasSize(5);
        ByteBuffer t2 = ByteBuffer.wrap(plainAccept.param(1).bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Short.toUnsignedInt(t2.getShort(5))).as("remote port").isEqualTo(run.get("peerport2"));
        Event accept = ev.stream().filter(e -> (e.type() == 247 || e.type() == 389)
                && LiveEvents.s64(e, 0) == run.get("accepted")).findFirst().orElseThrow();
        assertThat(LiveEvents.s64(accept, 0)).isEqualTo(run.get("accepted"));
        byte[] tuple = accept.param(1).bytes();
        assertThat(tuple).hasSize(13);
        ByteBuffer t = ByteBuffer.wrap(tuple).order(ByteOrder.LITTLE_ENDIAN);
        // Inbound: remote (the client) first, then the local, listening side.
        assertThat(Short.toUnsignedInt(t.getShort(5))).as("remote port").isEqualTo(run.get("peerport"));
        assertThat(Short.toUnsignedInt(t.getShort(11))).as("local port").isEqualTo(port);
        assertThat(LiveEvents.u32(accept, 4)).as("queuemax").isEqualTo(7);

        // 3. fds, cwd, credentials
        long creatFd = run.get("creat");
        List<Event> creats = ev.stream().filter(e -> e.type() == 59).toList();
        assertThat(creats).hasSize(2);
        assertThat(LiveEvents.s64(creats.get(0), 0)).isEqualTo(creatFd);
        assertThat(LiveEvents.str(creats.get(0), 1)).isEqualTo(work("creat.txt"));
        assertThat(LiveEvents.u32(creats.get(0), 2)).isEqualTo(0600);
        assertThat(LiveEvents.s64(creats.get(0), 4)).as("ino")
                .isEqualTo((long) Files.getAttribute(Path.of(work("creat.txt")), "unix:ino"));
        String openPath = work("open.txt");
        Event open = ev.stream().filter(e -> e.type() == 3 && LiveEvents.str(e, 1).equals(openPath)).findFirst()
                .orElseThrow();
        assertThat(LiveEvents.s64(open, 0)).isEqualTo(run.get("open"));
        assertThat(LiveEvents.u32(open, 2)).as("PPM_O_WRONLY | PPM_O_CREAT | PPM_O_F_CREATED (the open created it)")
                .isEqualTo(2 | 4 | 1 << 14);
        assertThat(LiveEvents.u32(open, 3)).isEqualTo(0640);
        Event dup = only(ev, 367);
        assertThat(LiveEvents.s64(dup, 0)).isEqualTo(run.get("dup"));
        long secondCreat = LiveEvents.s64(creats.get(1), 0);
        assertThat(LiveEvents.s64(dup, 1)).isEqualTo(secondCreat);
        Event dup2 = only(ev, 363);
        assertThat(LiveEvents.s64(dup2, 0)).isEqualTo(40);
        assertThat(LiveEvents.s64(dup2, 2)).isEqualTo(40);
        Event dup3 = only(ev, 365);
        assertThat(LiveEvents.s64(dup3, 0)).isEqualTo(41);
        assertThat(LiveEvents.u32(dup3, 3)).as("PPM_O_CLOEXEC").isEqualTo(1 << 12);
        Event chdir = only(ev, 95);
        assertThat(LiveEvents.s64(chdir, 0)).isZero();
        assertThat(LiveEvents.str(chdir, 1)).isEqualTo(work("dir1"));
        Event fchdir = only(ev, 97);
        assertThat(LiveEvents.s64(fchdir, 1)).isEqualTo(dirfd);
        assertThat(LiveEvents.u32(only(ev, 199), 1)).isZero();
        assertThat(LiveEvents.u32(only(ev, 201), 1)).isZero();
        Event setresuid = only(ev, 193);
        assertThat(LiveEvents.u32(setresuid, 1)).isEqualTo(0xffffffffL);
        assertThat(setresuid.params()).hasSize(4);
        assertThat(only(ev, 195).params()).hasSize(4);
        Event mkdir = only(ev, 277);
        assertThat(LiveEvents.str(mkdir, 1)).isEqualTo(work("dir1"));
        assertThat(LiveEvents.u32(mkdir, 2)).isEqualTo(0755);
        Event mkdirat = only(ev, 305);
        assertThat(LiveEvents.s64(mkdirat, 1)).isEqualTo(dirfd);
        assertThat(LiveEvents.str(mkdirat, 2)).isEqualTo("dir2");
        Event chmod = only(ev, 315);
        assertThat(LiveEvents.str(chmod, 1)).isEqualTo(work("open.txt"));
        assertThat(LiveEvents.u32(chmod, 2)).as("PPM_S_ISUID | rwxr-xr-x").isEqualTo((1 << 11) | 0755);
        Event fchmodat = only(ev, 313);
        assertThat(LiveEvents.str(fchmodat, 2)).isEqualTo("open.txt");
        assertThat(LiveEvents.u32(fchmodat, 3)).isEqualTo(0644);
        Event fchmod = only(ev, 317);
        assertThat(LiveEvents.s64(fchmod, 1)).isEqualTo(secondCreat);
        assertThat(LiveEvents.u32(fchmod, 2)).isEqualTo(0600);
    }

    @Test
    void javaFiles_linkSymlinkMoveDelete_eventsOfTheFamiliesWithThePaths() throws Exception {
        Path target = Files.writeString(dir.resolve("target.txt"), "x").toRealPath();
        Path base = target.getParent();
        Path hard = Files.createLink(base.resolve("hard"), target);
        Path soft = Files.createSymbolicLink(base.resolve("soft"), Path.of("/etc/shadow"));
        Path moved = Files.move(soft, base.resolve("moved"));
        Files.delete(hard);
        long tid = threadId();
        List<Event> seen = LiveEvents.readUntil(source, e -> e.tid() == tid && (e.type() == 301 || e.type() == 303)
                && LiveEvents.str(e, e.type() == 301 ? 1 : 2).endsWith("hard"), WAIT_NANOS);
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.type()).isIn(309, 311);
            assertThat(e.params().stream().map(p -> p.asString()).toList())
                    .contains(target.toString(), hard.toString());
        });
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.type()).isIn(179, 181);
            assertThat(LiveEvents.str(e, 1)).isEqualTo("/etc/shadow");
        });
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.type()).isIn(175, 177, 319);
            assertThat(e.params().stream().map(p -> p.asString()).toList()).contains(moved.toString());
        });
    }

    @Test
    void lnSymbolic_processBuilder_symlinkatEventOfTheChild() throws Exception {
        Path link = dir.toRealPath().resolve("ln-link");
        Process p = new ProcessBuilder("ln", "-s", "/etc/shadow", link.toString()).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = p.pid();
        List<Event> seen = LiveEvents.readUntil(source, e -> e.type() == PROCEXIT_1_E && e.tid() == pid, WAIT_NANOS);
        assertThat(seen).anySatisfy(e -> {
            assertThat(e.tid()).isEqualTo(pid);
            assertThat(e.type()).isIn(179, 181);
            assertThat(LiveEvents.s64(e, 0)).isZero();
            assertThat(LiveEvents.str(e, 1)).isEqualTo("/etc/shadow");
            assertThat(LiveEvents.str(e, e.type() == 179 ? 2 : 3)).endsWith("ln-link");
        });
    }

    /** The kernel thread id of the calling Java thread, from /proc/thread-self. */
    private static long threadId() throws IOException {
        return Long.parseLong(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
    }
}
