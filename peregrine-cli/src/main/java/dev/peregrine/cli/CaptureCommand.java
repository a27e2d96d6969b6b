package dev.peregrine.cli;

import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.MachineInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.capture.scap.ScapFileWriter;
import dev.peregrine.cli.live.ShutdownSignal;
import dev.peregrine.driver.BpfException;
import dev.peregrine.driver.LiveSource;
import dev.peregrine.event.Event;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import dev.peregrine.state.StateEngine;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerJsonEvent;
import dev.peregrine.state.container.meta.MetadataResolver;
import dev.peregrine.state.proc.ProcScan;
import dev.peregrine.state.proc.ProcScanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine capture -w FILE}: writes a {@code .scap} capture of the live system (root): the machine's
 * description and the initial state from a {@code /proc} scan, then every event the eBPF driver captures, until SIGINT/SIGTERM, {@code --duration} or
 * {@code --events}. The file is read by {@code peregrine replay}, Falco and {@code sysdig -r}; {@code --sysdig-compat}
 * writes exit-only events as the enter + exit pairs that older sysdig releases (0.29.3) expect.
 *
 * <p>Containers: a state engine follows the threads' cgroups, and the metadata of each container seen (looked up
 * from Podman's and Docker's API sockets in the background) is written as a container event
 * ({@code PPME_CONTAINER_JSON_2_E}) before the first event after it was resolved, so a replay of the capture shows
 * the same {@code container.*} and {@code k8s.*} fields as the live run.
 */
@Command(name = "capture", description = {
    "Write a live capture (root) with the eBPF driver: /proc initial state, then every captured event. Stops on",
    "SIGINT/SIGTERM, after --duration seconds or after --events events, and prints a summary."})
final class CaptureCommand implements java.util.concurrent.Callable<Integer> {
    /* Implementation notes: same order and shutdown pattern as live detection: the driver is opened before the
     * /proc scan so that a process started during the scan is seen by at least one of them; ShutdownSignal's hook
     * waits for the loop, which sees the signal within a poll interval (the source returns TIMEOUT),
     * then the writer is closed (gzip trailer, buffers flushed) before the JVM exits. The byte count is the file's
     * size after closing, i.e. what is on disk (compressed with --gzip). */

    /** Longest wait of the shutdown hook for the capture loop to finish. */
    /** Bytes per kibibyte (the unit of /proc/meminfo). */
    private static final long KIB = 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** {@code PPME_SYSCALL_EXECVE_19_X}; its enter event {@code PPME_SYSCALL_EXECVE_19_E} is the code before. */
    private static final int EXECVE_EXIT_CODE = execveExitCode();
    /** Index of the execve exit's {@code filename} parameter. */
    private static final int EXECVE_EXIT_FILENAME = 30;

    private static int execveExitCode() {
        EventTable table = EventTable.get();
        for (int code = 1; code < table.size(); code++) {
            if (table.byCode(code).codeName().equals("PPME_SYSCALL_EXECVE_19_X")) {
                return code;
            }
        }
        throw new IllegalStateException("PPME_SYSCALL_EXECVE_19_X missing from the event table");
    }

    @Spec
    CommandSpec spec;

    @Option(names = "-w", paramLabel = "FILE", required = true, description = "The capture file to write.")
    Path file;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double duration;

    @Option(names = "--events", paramLabel = "N", description = "Stop after this many events (container events"
            + " included).")
    Long maxEvents;

    @Option(names = {"-z", "--gzip"}, description = "Gzip-compress the file (as sysdig -z).")
    boolean gzip;

    @Option(names = "--sysdig-compat", description = {
        "Write exit-only events as enter + exit pairs, the layout sysdig 0.29.3 reads (see docs/scap-compat.md)."})
    boolean sysdigCompat;

    /**
     * {@return this machine's description as libscap's machine-info block carries it} (CPUs, memory, pid_max,
     * hostname, boot time in epoch nanoseconds), empty when {@code /proc} does not give it.
     */
    static Optional<MachineInfo> machineInfo() {
        try {
            long memKb = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            long bootSeconds = 0;
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) {
                    bootSeconds = Long.parseLong(line.substring("btime ".length()).trim());
                }
            }
            long maxPid = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim());
            String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            return Optional.of(new MachineInfo(Runtime.getRuntime().availableProcessors(), memKb * KIB, maxPid,
                    hostname, bootSeconds * NANOS_PER_SECOND, 0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * With {@code --sysdig-compat}: writes the execve enter event ({@code filename}, from the exit's own filename)
     * before a successful execve exit. sysdig 0.29.3 predates {@code trusted_exepath} and takes {@code proc.exepath}
     * from the enter event, which the exit-only driver never emits (libscap passes old enter events through rather
     * than rebuilding them, so the writer's split does not add it); without it sysdig shows the parent's image.
     */
    private static void writeExecveEnter(ScapFileWriter writer, EventView exit) throws IOException {
        if (exit.type() != EXECVE_EXIT_CODE || exit.nparams() <= EXECVE_EXIT_FILENAME || exit.paramU64(0) != 0) {
            return;
        }
        Event x = Event.copyOf(exit);
        writer.writeEvent(new Event(x.ts(), x.tid(), EXECVE_EXIT_CODE - 1, x.cpu(),
                List.of(x.param(EXECVE_EXIT_FILENAME))), 0);
    }

    private static void writeContainer(ScapFileWriter writer, ContainerInfo c, long tsNanos) {
        try {
            writer.writeEvent(ContainerJsonEvent.of(c, tsNanos), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (duration != null && !(duration > 0)) {
            throw new UserError("--duration must be a positive number of seconds, got " + duration, 1);
        }
        if (maxEvents != null && maxEvents <= 0) {
            throw new UserError("--events must be a positive number, got " + maxEvents, 1);
        }
        LiveSource.unavailableReason().ifPresent(reason -> {
            throw new UserError("live capture is not available: " + reason, 1);
        });
        long eventLimit = maxEvents == null ? Long.MAX_VALUE : maxEvents;
        ScapFileWriter.Layout layout = sysdigCompat ? ScapFileWriter.Layout.SYSDIG_0_29
                : ScapFileWriter.Layout.CURRENT;
        try (ShutdownSignal signal = ShutdownSignal.install();
                LiveSource source = LiveSource.open(LiveSource.Options.defaults());
                MetadataResolver resolver = MetadataResolver.defaults()) {
            long written;
            long[] containerEvents = new long[1];
            try (ScapFileWriter writer = ScapFileWriter.create(file, gzip, layout)) {
                machineInfo().ifPresent(info -> {
                    try {
                        writer.write(new ScapBlock.Machine(0, BlockType.MI, info));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                StateEngine state = new StateEngine();
                long[] lastTs = {System.currentTimeMillis() * NANOS_PER_MILLI};
                state.setContainerMetadata(resolver, c -> {
                    writeContainer(writer, c, lastTs[0]);
                    containerEvents[0]++;
                });
                ProcScan scan = new ProcScanner().scan();
                for (ScapBlock b : scan.blocks()) {
                    writer.write(b);
                    state.onBlock(b);
                }
                err.printf("peregrine: capturing to %s; %d processes from /proc%n", file, scan.threads().size());
                err.flush();
                written = 0;
                // --duration counts from here: loading the driver and the scan can take seconds on a busy machine.
                long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + (long) (duration * 1e9);
                while (written + containerEvents[0] < eventLimit && !signal.received()
                        && System.nanoTime() < deadline) {
                    CaptureSource.Next next = source.next();
                    if (next == CaptureSource.Next.EOF) {
                        break;
                    }
                    if (next == CaptureSource.Next.EVENT) {
                        lastTs[0] = source.event().ts();
                        state.onEvent(source.event()); // writes the containers resolved since the last event
                        if (written + containerEvents[0] >= eventLimit) {
                            break;
                        }
                        if (sysdigCompat) {
                            writeExecveEnter(writer, source.event());
                        }
                        writer.writeEvent(source.event());
                        written++;
                    }
                }
            }
            long drops = 0;
            for (long d : source.drops()) {
                drops += d;
            }
            err.printf("peregrine: %d events, %d dropped in the kernel, %d bytes written to %s%n",
                    written + containerEvents[0], drops, Files.size(file), file);
            if (containerEvents[0] > 0) {
                err.printf("peregrine: %d of them container events (metadata from the container runtimes)%n",
                        containerEvents[0]);
            }
            err.flush();
            return 0;
        } catch (BpfException e) {
            throw new UserError(e.getMessage(), 1);
        } catch (IOException | UncheckedIOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage(), 1);
        }
    }
}
