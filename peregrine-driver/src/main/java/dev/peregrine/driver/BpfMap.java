package dev.peregrine.driver;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.peregrine.driver.libbpf.Libbpf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A map of a {@link BpfObject}, addressed by its file descriptor once the object is loaded. */
public final class BpfMap {
    private final String name;
    private final MemorySegment handle;

    BpfMap(String name, MemorySegment handle) {
        this.name = name;
        this.handle = handle;
    }

    /** {@return the map's name} */
    public String name() {
        return name;
    }

    /** {@return the map's file descriptor (after load)} */
    public int fd() {
        return Libbpf.bpfMapFd(handle);
    }

    /** Sets the number of entries; only before {@link BpfObject#load()}. */
    public void setMaxEntries(int maxEntries) {
        int rc = Libbpf.bpfMapSetMaxEntries(handle, maxEntries);
        if (rc != 0) {
            throw new BpfException("cannot resize map " + name + ": " + BpfException.errnoName(rc), "");
        }
    }

    /** Stores a 32-bit value (a flag, a program fd, an inner map fd) under a 32-bit key. */
    public void put(int key, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(JAVA_INT, key);
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            check(Libbpf.bpfMapUpdateElem(fd(), k, v, 0), "update", key);
        }
    }

    /** Stores a 64-bit value under a 32-bit key. */
    public void putLong(int key, long value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(JAVA_INT, key);
            MemorySegment v = arena.allocateFrom(JAVA_LONG, value);
            check(Libbpf.bpfMapUpdateElem(fd(), k, v, 0), "update", key);
        }
    }

    /**
     * Stores consecutive 64-bit values as one value under a 32-bit key: a struct of u64 fields, such as the single
     * value of a {@code .bss} map holding an object's global variables.
     */
    public void putLongs(int key, long... values) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(JAVA_INT, key);
            MemorySegment v = arena.allocateFrom(JAVA_LONG, values);
            check(Libbpf.bpfMapUpdateElem(fd(), k, v, 0), "update", key);
        }
    }

    /** {@return the per-CPU 64-bit values under {@code key} of a per-CPU array, one per possible CPU} */
    public long[] perCpuLongs(int key) {
        int cpus = Libbpf.numPossibleCpus();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocateFrom(JAVA_INT, key);
            MemorySegment v = arena.allocate(JAVA_LONG, cpus);
            check(Libbpf.bpfMapLookupElem(fd(), k, v), "lookup", key);
            return v.toArray(JAVA_LONG);
        }
    }

    private void check(int rc, String what, int key) {
        if (rc != 0) {
            throw new BpfException("cannot " + what + " key " + key + " of map " + name + ": "
                    + BpfException.errnoName(rc == -1 ? Libbpf.lastErrno() : rc), "");
        }
    }
}
