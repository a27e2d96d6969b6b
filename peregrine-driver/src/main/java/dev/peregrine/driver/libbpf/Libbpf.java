package dev.peregrine.driver.libbpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * Raw downcalls into {@code libbpf.so.1} and the few libc calls the driver needs ({@code mmap}, {@code poll},
 * {@code close}, {@code clock_gettime}, {@code geteuid}), through the Foreign Function &amp; Memory API.
 *
 * <p>Functions that libbpf documents as "NULL or negative error code plus errno" are bound with errno capture: each
 * call returns its raw result and {@link #lastErrno()} gives the errno the call left, read right after the call on
 * the same thread. Callers should use the typed wrappers in {@code dev.peregrine.driver}.
 *
 * <p>{@link #available()} tells whether the library could be loaded; every other method throws
 * {@link IllegalStateException} when it could not.
 */
@SuppressWarnings("restricted") // the whole point of this class: native access, enabled with --enable-native-access
public final class Libbpf {
    /** {@code BPF_MAP_TYPE_RINGBUF} from the kernel's uapi {@code bpf.h}. */
    public static final int BPF_MAP_TYPE_RINGBUF = 27;
    /** {@code PROT_READ} / {@code PROT_WRITE} / {@code MAP_SHARED} for x86_64 Linux. */
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    /** {@code POLLIN}. */
    public static final short POLLIN = 1;
    /** {@code CLOCK_BOOTTIME}, the clock {@code bpf_ktime_get_boot_ns} reads. */
    public static final int CLOCK_BOOTTIME = 7;

    /*
     * Implementation notes.
     *
     * One lookup of libbpf.so.1 by its soname (the Debian package libbpf1), libc through the native linker's default
     * lookup. Handles are created once; a missing library is remembered as a reason string rather than thrown from
     * the static initialiser, so preflight checks can report it as a sentence.
     *
     * libbpf's log goes through libbpf_set_print, whose callback receives a va_list. On x86_64 SysV a va_list
     * argument is passed as a pointer, so the upcall forwards it as an address to vsnprintf and keeps the last
     * LOG_KEEP_BYTES of text: the verifier's complaint is at the end of the log.
     */

    private static final int LOG_KEEP_BYTES = 16 * 1024;
    private static final int LOG_LINE_BYTES = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CALL_STATE));

    private static final String UNAVAILABLE_REASON;
    private static final SymbolLookup BPF;
    private static final StringBuilder LOG = new StringBuilder();

    static {
        SymbolLookup lookup = null;
        String reason = null;
        try {
            lookup = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            reason = "libbpf.so.1 not found (install the Debian package libbpf1)";
        }
        BPF = lookup;
        UNAVAILABLE_REASON = reason;
    }

    private static final MethodHandle OPEN_MEM = bpf("bpf_object__open_mem", true,
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle OBJECT_LOAD = bpf("bpf_object__load", true,
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle OBJECT_CLOSE = bpf("bpf_object__close", false,
            FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle FIND_PROGRAM = bpf("bpf_object__find_program_by_name", true,
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FIND_MAP = bpf("bpf_object__find_map_by_name", true,
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle PROGRAM_ATTACH = bpf("bpf_program__attach", true,
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle PROGRAM_SET_AUTOLOAD = bpf("bpf_program__set_autoload", false,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
    private static final MethodHandle PROGRAM_FD = bpf("bpf_program__fd", false,
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MAP_FD = bpf("bpf_map__fd", false,
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MAP_SET_MAX_ENTRIES = bpf("bpf_map__set_max_entries", false,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MAP_UPDATE_ELEM = bpf("bpf_map_update_elem", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle MAP_LOOKUP_ELEM = bpf("bpf_map_lookup_elem", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MAP_CREATE = bpf("bpf_map_create", true,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle LINK_DESTROY = bpf("bpf_link__destroy", false,
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle GET_ERROR = bpf("libbpf_get_error", false,
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle NUM_POSSIBLE_CPUS = bpf("libbpf_num_possible_cpus", false,
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SET_PRINT = bpf("libbpf_set_print", false,
            FunctionDescriptor.of(ADDRESS, ADDRESS));

    private static final MethodHandle MMAP = libc("mmap", true,
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = libc("munmap", false,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = libc("poll", true,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", false,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOCK_GETTIME = libc("clock_gettime", false,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GETEUID = libc("geteuid", false, FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle VSNPRINTF = libc("vsnprintf", false,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle SYSCONF = libc("sysconf", false,
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

    private static boolean printInstalled;

    private Libbpf() {}

    /** {@return why libbpf cannot be used on this machine, or empty when it can} */
    public static Optional<String> unavailableReason() {
        return Optional.ofNullable(UNAVAILABLE_REASON);
    }

    /** {@return true when libbpf.so.1 was found} */
    public static boolean available() {
        return UNAVAILABLE_REASON == null;
    }

    /** {@return the errno left by the last errno-capturing call on this thread} */
    public static int lastErrno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    private static MethodHandle bpf(String name, boolean captureErrno, FunctionDescriptor fd) {
        if (BPF == null) {
            return null;
        }
        MemorySegment symbol = BPF.find(name)
                .orElseThrow(() -> new IllegalStateException("libbpf.so.1 lacks " + name + " (libbpf 1.x needed)"));
        return link(symbol, captureErrno, fd);
    }

    private static MethodHandle libc(String name, boolean captureErrno, FunctionDescriptor fd) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc lacks " + name));
        return link(symbol, captureErrno, fd);
    }

    private static MethodHandle link(MemorySegment symbol, boolean captureErrno, FunctionDescriptor fd) {
        return captureErrno
                ? LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(symbol, fd);
    }

    private static MethodHandle need(MethodHandle h) {
        if (h == null) {
            throw new IllegalStateException(UNAVAILABLE_REASON);
        }
        return h;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** {@code struct bpf_object *bpf_object__open_mem(const void *buf, size_t size, opts)}; NULL on error. */
    public static MemorySegment bpfObjectOpenMem(MemorySegment buf, long size) {
        installPrint();
        try {
            return (MemorySegment) need(OPEN_MEM).invokeExact(STATE.get(), buf, size, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_object__load(obj)}: 0 or a negative errno. */
    public static int bpfObjectLoad(MemorySegment obj) {
        try {
            return (int) need(OBJECT_LOAD).invokeExact(STATE.get(), obj);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code void bpf_object__close(obj)}. */
    public static void bpfObjectClose(MemorySegment obj) {
        try {
            need(OBJECT_CLOSE).invokeExact(obj);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code bpf_object__find_program_by_name}; NULL when absent. */
    public static MemorySegment bpfObjectFindProgramByName(MemorySegment obj, MemorySegment name) {
        try {
            return (MemorySegment) need(FIND_PROGRAM).invokeExact(STATE.get(), obj, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code bpf_object__find_map_by_name}; NULL when absent. */
    public static MemorySegment bpfObjectFindMapByName(MemorySegment obj, MemorySegment name) {
        try {
            return (MemorySegment) need(FIND_MAP).invokeExact(STATE.get(), obj, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code struct bpf_link *bpf_program__attach(prog)}; NULL on error (errno set). */
    public static MemorySegment bpfProgramAttach(MemorySegment prog) {
        try {
            return (MemorySegment) need(PROGRAM_ATTACH).invokeExact(STATE.get(), prog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_program__set_autoload(prog, autoload)}: before load only; 0 or a negative errno. */
    public static int bpfProgramSetAutoload(MemorySegment prog, boolean autoload) {
        try {
            return (int) need(PROGRAM_SET_AUTOLOAD).invokeExact(prog, autoload);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_program__fd(prog)}. */
    public static int bpfProgramFd(MemorySegment prog) {
        try {
            return (int) need(PROGRAM_FD).invokeExact(prog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_map__fd(map)}. */
    public static int bpfMapFd(MemorySegment map) {
        try {
            return (int) need(MAP_FD).invokeExact(map);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_map__set_max_entries(map, n)}: before load only. */
    public static int bpfMapSetMaxEntries(MemorySegment map, int maxEntries) {
        try {
            return (int) need(MAP_SET_MAX_ENTRIES).invokeExact(map, maxEntries);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_map_update_elem(fd, key, value, flags)}: 0 or a negative errno. */
    public static int bpfMapUpdateElem(int fd, MemorySegment key, MemorySegment value, long flags) {
        try {
            return (int) need(MAP_UPDATE_ELEM).invokeExact(STATE.get(), fd, key, value, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_map_lookup_elem(fd, key, value)}: 0 or a negative errno. */
    public static int bpfMapLookupElem(int fd, MemorySegment key, MemorySegment value) {
        try {
            return (int) need(MAP_LOOKUP_ELEM).invokeExact(STATE.get(), fd, key, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_map_create(type, name, key_size, value_size, max_entries, NULL)}: an fd or a negative errno. */
    public static int bpfMapCreate(int type, MemorySegment name, int keySize, int valueSize, int maxEntries) {
        try {
            return (int) need(MAP_CREATE).invokeExact(STATE.get(), type, name, keySize, valueSize, maxEntries,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int bpf_link__destroy(link)}. */
    public static int bpfLinkDestroy(MemorySegment link) {
        try {
            return (int) need(LINK_DESTROY).invokeExact(link);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code long libbpf_get_error(ptr)}: the negative errno encoded in (or beside) a libbpf pointer result. */
    public static long libbpfGetError(MemorySegment ptr) {
        try {
            return (long) need(GET_ERROR).invokeExact(ptr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code int libbpf_num_possible_cpus(void)}. */
    public static int numPossibleCpus() {
        try {
            return (int) need(NUM_POSSIBLE_CPUS).invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** libc {@code mmap}; {@code MAP_FAILED} (-1) on error. */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MMAP.invokeExact(STATE.get(), MemorySegment.NULL, length, prot, flags, fd,
                    offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** libc {@code munmap}. */
    public static int munmap(MemorySegment addr, long length) {
        try {
            return (int) MUNMAP.invokeExact(addr, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** libc {@code poll(fds, nfds, timeout_ms)}. */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(STATE.get(), fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** libc {@code close(fd)}. */
    public static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return the clock's current value in nanoseconds} */
    public static long clockNanos(int clock) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            int rc = (int) CLOCK_GETTIME.invokeExact(clock, ts);
            if (rc != 0) {
                throw new IllegalStateException("clock_gettime(" + clock + ") failed");
            }
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return the effective user id of this process} */
    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return the page size ({@code sysconf(_SC_PAGESIZE)})} */
    public static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(30);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return the libbpf log text collected since the last call (the tail, bounded), and clears it} */
    public static String drainLog() {
        synchronized (LOG) {
            String s = LOG.toString();
            LOG.setLength(0);
            return s;
        }
    }

    private static synchronized void installPrint() {
        if (printInstalled) {
            return;
        }
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(Libbpf.class, "onPrint",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = LINKER.upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MemorySegment previousPrint = (MemorySegment) need(SET_PRINT).invokeExact(stub);
            assert previousPrint != null;
            printInstalled = true;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @SuppressWarnings("unused") // called from native code through the upcall stub
    private static int onPrint(int level, MemorySegment fmt, MemorySegment args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment line = arena.allocate(LOG_LINE_BYTES);
            int n = (int) VSNPRINTF.invokeExact(line, (long) LOG_LINE_BYTES, fmt, args);
            if (n > 0) {
                String text = line.getString(0);
                synchronized (LOG) {
                    LOG.append(text);
                    if (LOG.length() > LOG_KEEP_BYTES) {
                        LOG.delete(0, LOG.length() - LOG_KEEP_BYTES);
                    }
                }
            }
            return 0;
        } catch (Throwable t) {
            return 0;
        }
    }
}
