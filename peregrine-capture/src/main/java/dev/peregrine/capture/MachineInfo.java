package dev.peregrine.capture;

import static java.util.Objects.requireNonNull;

/**
 * The machine a capture was taken on. Fields a shorter (older) block lacks are 0 or empty.
 *
 * @param numCpus number of processors
 * @param memorySizeBytes physical memory
 * @param maxPid highest pid number
 * @param hostname host name
 * @param bootTsEpoch boot time, nanoseconds since the epoch
 * @param flags machine flags (libscap {@code PPM_*} bits)
 */
public record MachineInfo(
        long numCpus, long memorySizeBytes, long maxPid, String hostname, long bootTsEpoch, long flags) {
    public MachineInfo {
        requireNonNull(hostname, "hostname is null");
    }
}
