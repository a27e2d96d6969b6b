package dev.peregrine.driver;

import static java.util.Objects.requireNonNull;

import dev.peregrine.driver.libbpf.Libbpf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An eBPF object file opened by libbpf ({@code struct bpf_object}): {@link #open} parses the ELF, {@link #load()}
 * creates the maps and submits the programs to the verifier, then {@link #program} and {@link #map} find the parts.
 * Closing the object unloads programs and maps that nothing else holds (close the links first).
 *
 * <p>Not thread-safe; one owner opens, loads and closes it.
 */
public final class BpfObject implements AutoCloseable {
    /*
     * Implementation notes. libbpf keeps a pointer to the ELF buffer until load, so it lives in the object's own
     * shared arena and is freed with the object. Names passed to libbpf are allocated in short confined arenas.
     */
    private final Arena arena;
    private MemorySegment handle;

    private BpfObject(Arena arena, MemorySegment handle) {
        this.arena = arena;
        this.handle = handle;
    }

    /**
     * Opens an eBPF object from its ELF bytes (not loaded yet).
     *
     * @throws BpfException when libbpf is missing or cannot parse the object
     */
    public static BpfObject open(byte[] elf) {
        requireNonNull(elf, "elf is null");
        Libbpf.unavailableReason().ifPresent(reason -> {
            throw new BpfException(reason, "");
        });
        Arena arena = Arena.ofShared();
        MemorySegment buf = arena.allocate(elf.length, 8);
        buf.copyFrom(MemorySegment.ofArray(elf));
        MemorySegment obj = Libbpf.bpfObjectOpenMem(buf, elf.length);
        if (obj.equals(MemorySegment.NULL)) {
            int errno = Libbpf.lastErrno();
            arena.close();
            throw new BpfException("cannot open the eBPF object: " + BpfException.errnoName(errno),
                    Libbpf.drainLog());
        }
        return new BpfObject(arena, obj);
    }

    /**
     * Loads maps and programs into the kernel.
     *
     * @throws BpfException when the kernel refuses: the message names the errno, {@link BpfException#log()} holds the
     *     verifier's log tail
     */
    public void load() {
        Libbpf.drainLog();
        int rc = Libbpf.bpfObjectLoad(live());
        if (rc != 0) {
            String log = Libbpf.drainLog();
            throw new BpfException("the kernel refused the eBPF driver: " + BpfException.errnoName(rc)
                    + excerpt(log), log);
        }
    }

    /** {@return the program called {@code name}} @throws BpfException when absent */
    public BpfProgram program(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = Libbpf.bpfObjectFindProgramByName(live(), a.allocateFrom(name));
            if (p.equals(MemorySegment.NULL)) {
                throw new BpfException("the eBPF object has no program " + name, "");
            }
            return new BpfProgram(name, p);
        }
    }

    /** {@return the map called {@code name}} @throws BpfException when absent */
    public BpfMap map(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = Libbpf.bpfObjectFindMapByName(live(), a.allocateFrom(name));
            if (m.equals(MemorySegment.NULL)) {
                throw new BpfException("the eBPF object has no map " + name, "");
            }
            return new BpfMap(name, m);
        }
    }

    private MemorySegment live() {
        if (handle == null) {
            throw new IllegalStateException("eBPF object is closed");
        }
        return handle;
    }

    /** {@return the last lines of a verifier log, prefixed for a message, or "" when empty} */
    static String excerpt(String log) {
        if (log.isBlank()) {
            return "";
        }
        String[] lines = log.strip().split("\n");
        int from = Math.max(0, lines.length - 8);
        StringBuilder sb = new StringBuilder("\nlibbpf/verifier log (last lines):");
        for (int i = from; i < lines.length; i++) {
            sb.append("\n  ").append(lines[i]);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (handle != null) {
            Libbpf.bpfObjectClose(handle);
            handle = null;
            arena.close();
        }
    }
}
