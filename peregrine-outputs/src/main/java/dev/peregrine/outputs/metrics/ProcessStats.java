package dev.peregrine.outputs.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's CPU use since the previous sample and its memory, from {@code /proc/self}. */
final class ProcessStats {
    /* Implementation notes: CPU is the process CPU time (the JVM's OperatingSystemMXBean) over wall time between two
     * samples, as a ratio of one CPU (Falco's cpu_usage_perc divided by 100); RSS and VSZ come from
     * /proc/self/status (VmRSS, VmSize, in kB). Where /proc is missing the memory reads 0. */

    record Sample(double cpuRatio, long rssBytes, long vszBytes) {
    }

    private long lastCpuNanos = -1;
    private long lastWallNanos;

    synchronized Sample sample() {
        long cpu = cpuNanos();
        long wall = System.nanoTime();
        double ratio = 0;
        if (lastCpuNanos >= 0 && wall > lastWallNanos && cpu >= 0) {
            ratio = (double) (cpu - lastCpuNanos) / (wall - lastWallNanos);
        }
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        return new Sample(Math.max(0, ratio), statusKb("VmRSS:") * 1024, statusKb("VmSize:") * 1024);
    }

    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).strip().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: report 0
        }
        return 0;
    }
}
