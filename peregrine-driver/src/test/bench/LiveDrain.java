import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.driver.LiveSource;
import java.lang.management.ManagementFactory;

/**
 * Live drain measurement: loads the driver, runs syscall_loop (open/close pairs, then getppid) as a child and drains
 * every event until the child has exited and the rings are empty; prints events/s, drops and the reader thread's CPU
 * per event. Run by run.sh as root.
 */
public class LiveDrain {
    public static void main(String[] args) throws Exception {
        try (LiveSource s = LiveSource.open(LiveSource.Options.defaults())) {
            Process p = new ProcessBuilder(args[0], args[1]).inheritIO().start();
            var threads = ManagementFactory.getThreadMXBean();
            long t0 = System.nanoTime();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long events = 0;
            while (p.isAlive() || s.next() != Next.TIMEOUT) {
                if (s.next() == Next.EVENT) {
                    events++;
                }
            }
            long t1 = System.nanoTime();
            long cpu1 = threads.getCurrentThreadCpuTime();
            long drops = 0;
            for (long d : s.drops()) {
                drops += d;
            }
            System.out.printf("events=%d seconds=%.2f events_per_s=%.0f drops=%d reader_cpu_ns_per_event=%.1f%n",
                    events, (t1 - t0) / 1e9, events / ((t1 - t0) / 1e9), drops,
                    (cpu1 - cpu0) / (double) events);
        }
    }
}
