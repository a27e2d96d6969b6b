import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.driver.LiveSource;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The driver alone, for bin/bench-live --engine drain: loads the driver with the given syscalls (comma-separated
 * names, "all", or "none": only the sched tracepoints and a dispatcher that delivers nothing), drains every event
 * (reading each one's type and timestamp, no state, no rules) until SIGINT or SIGTERM, then prints the same summary
 * line as `peregrine run` plus the reader thread's CPU per event.
 *
 * <p>Run as root: {@code java --enable-native-access=ALL-UNNAMED -cp CLASSPATH LiveDrain.java SYSCALLS}.
 */
public class LiveDrain {
    public static void main(String[] args) throws Exception {
        LiveSource.Options options = args.length == 0 || args[0].equals("all") ? LiveSource.Options.defaults()
                : new LiveSource.Options(LiveSource.DEFAULT_RING_BYTES, LiveSource.DEFAULT_POLL_MILLIS,
                        args[0].equals("none") ? Set.of() : Set.of(args[0].split(",")));
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        var threads = ManagementFactory.getThreadMXBean();
        try (LiveSource s = LiveSource.open(options)) {
            System.err.println("peregrine: live detection with the driver only (LiveDrain) on syscalls "
                    + options.syscalls());
            long cpu0 = threads.getCurrentThreadCpuTime();
            long events = 0;
            long checksum = 0;
            while (!stop.get()) {
                if (s.next() == Next.EVENT) {
                    events++;
                    checksum += s.event().type() + s.event().ts();
                }
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            long drops = Arrays.stream(s.drops()).sum();
            System.err.printf("peregrine: %d events, 0 alerts, %d dropped in the kernel%n", events, drops);
            long[] sleeps = s.sleepCounts();
            System.err.printf("live-drain: reader thread %.1f ns CPU per event (checksum %d); %d naps, %d polls%n",
                    cpu / (double) Math.max(events, 1), checksum, sleeps[0], sleeps[1]);
        } finally {
            done.countDown();
        }
    }
}
