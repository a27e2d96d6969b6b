package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.MachineInfo;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.driver.LiveSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine capture} with the real driver, read back by {@code peregrine replay} and {@code sysdig -r}. */
class CaptureCommandTest {
    private static final String FORMAT = "%evt.type %fd.name %proc.name";

    @Test
    void capture_liveOpenOfMarker_replayAndSysdigShowTheOpen(@TempDir Path dir) throws Exception {
        assumeLive();
        Path marker = dir.resolve("peregrine-capture-marker");
        Path file = dir.resolve("live.scap");
        CliTest.Run run = captureWhileOpening(marker, "capture", "-w", file.toString(), "--duration", "3",
                "--sysdig-compat");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).containsPattern("peregrine: [1-9][0-9]* events, 0 dropped in the kernel, [1-9][0-9]* "
                + "bytes written to " + file);
        String expected = "openat " + marker + " java";

        CliTest.Run replay = CliTest.run("replay", "-p", FORMAT, file.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out().lines()).contains(expected);

        List<String> sysdig = sysdig(file, FORMAT, "fd.name=" + marker);
        if (sysdig != null) {
            assertThat(sysdig).contains(expected);
        }

        List<ScapBlock> blocks = new ArrayList<>();
        try (ScapFileSource source = ScapFileSource.open(file, blocks::add)) {
            while (source.next() == CaptureSource.Next.EVENT) {
                // the state blocks come before the first event
                break;
            }
        }
        assertThat(blocks).anySatisfy(b -> {
            assertThat(b).isInstanceOf(ScapBlock.Machine.class);
            MachineInfo info = ((ScapBlock.Machine) b).info();
            assertThat(info.hostname()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
            assertThat(info.numCpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(info.memorySizeBytes()).isPositive();
        });
        assertThat(blocks.stream().filter(ScapBlock.Processes.class::isInstance)
                .flatMap(b -> ((ScapBlock.Processes) b).threads().stream()))
                .as("the /proc scan holds this JVM").anyMatch(t -> t.tid() == ProcessHandle.current().pid());
    }

    @Test
    void capture_liveExecOfCat_exepathIsTheNewImageNotTheParents(@TempDir Path dir) throws Exception {
        assumeLive();
        Path marker = dir.resolve("peregrine-cat-marker");
        Files.writeString(marker, "x");
        Path file = dir.resolve("exec.scap");
        CompletableFuture<CliTest.Run> running = CompletableFuture.supplyAsync(
                () -> CliTest.run("capture", "-w", file.toString(), "--duration", "3", "--sysdig-compat"));
        while (!running.isDone()) {
            Process cat = new ProcessBuilder("/bin/cat", marker.toString()).start();
            cat.getInputStream().readAllBytes();
            cat.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(200);
        }
        CliTest.Run run = running.get();
        assertThat(run.exit()).as(run.err()).isZero();
        String expected = "openat " + marker + " cat " + Path.of("/bin/cat").toRealPath();

        CliTest.Run replay = CliTest.run("replay", "-p", "%evt.type %fd.name %proc.name %proc.exepath",
                file.toString(), "fd.name=" + marker);
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out().lines()).as(() -> run.err() + CliTest.run("replay", "-p",
                "%evt.num %evt.type %fd.name %proc.name %proc.exepath", file.toString(), "proc.name=cat").out())
                .contains(expected).noneMatch(l -> l.startsWith("openat " + marker + " cat ")
                && !l.equals(expected));
        // sysdig 0.29.3 predates trusted_exepath: it takes exepath from the execve enter event that --sysdig-compat
        // writes with the filename as given to execve (symlinks not resolved), not the parent's image.
        List<String> sysdig = sysdig(file, "%evt.type %fd.name %proc.name %proc.exepath", "fd.name=" + marker);
        if (sysdig != null) {
            assertThat(sysdig).contains("openat " + marker + " cat /bin/cat")
                    .noneMatch(l -> l.startsWith("openat " + marker + " cat ") && !l.endsWith(" cat /bin/cat"));
        }
    }

    @Test
    void capture_eventLimitAndGzip_stopsAtLimitAndReplays(@TempDir Path dir) throws Exception {
        assumeLive();
        Path marker = dir.resolve("peregrine-capture-marker");
        Path file = dir.resolve("live.scap.gz");
        CliTest.Run run = captureWhileOpening(marker, "capture", "-w", file.toString(), "--events", "50",
                "--gzip", "--duration", "20");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("peregrine: 50 events, ");
        try (var in = Files.newInputStream(file)) {
            assertThat(in.readNBytes(2)).containsExactly(0x1f, 0x8b);
        }
        CliTest.Run replay = CliTest.run("replay", "-p", "%evt.num", file.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out().lines().count()).isEqualTo(50);
    }

    @Test
    void capture_badDuration_clearMessageExit1(@TempDir Path dir) {
        CliTest.Run run = CliTest.run("capture", "-w", dir.resolve("x.scap").toString(), "--duration", "0");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("--duration must be a positive number of seconds").doesNotContain("\tat ");
    }

    @Test
    void capture_liveUnavailable_clearMessageExit1(@TempDir Path dir) {
        assumeTrue(LiveSource.unavailableReason().isPresent(), "live capture is available here");
        CliTest.Run run = CliTest.run("capture", "-w", dir.resolve("x.scap").toString(), "--duration", "1");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("live capture is not available").doesNotContain("\tat ");
    }

    private static void assumeLive() {
        assumeTrue(LiveSource.unavailableReason().isEmpty(), () -> "live capture unavailable: "
                + LiveSource.unavailableReason().orElse(""));
    }

    private static CliTest.Run captureWhileOpening(Path marker, String... args) throws Exception {
        CompletableFuture<CliTest.Run> running = CompletableFuture.supplyAsync(() -> CliTest.run(args));
        // The driver needs a moment to attach; keep opening the marker until the capture ends.
        while (!running.isDone()) {
            Files.writeString(marker, "x");
            Thread.sleep(200);
        }
        return running.get();
    }

    /** {@return sysdig's lines for the filter, or null when sysdig is not installed} */
    private static List<String> sysdig(Path file, String format, String filter) throws IOException,
            InterruptedException {
        Path bin = Path.of("/usr/bin/sysdig");
        if (!Files.isExecutable(bin)) {
            return null;
        }
        Process p = new ProcessBuilder(bin.toString(), "-r", file.toString(), "-p", format, filter)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text.lines().toList();
    }
}
