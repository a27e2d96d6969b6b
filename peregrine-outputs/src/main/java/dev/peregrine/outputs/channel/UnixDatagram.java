package dev.peregrine.outputs.channel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A Unix datagram socket ({@code AF_UNIX}, {@code SOCK_DGRAM}), which the JDK does not offer: what syslog's
 * {@code /dev/log} speaks. Bound (to receive, in tests) or unbound (to send with {@link #send}).
 */
public final class UnixDatagram implements AutoCloseable {
    /* Implementation notes: libc's socket/bind/sendto/recv/setsockopt/close through the FFM API (needs
     * --enable-native-access=ALL-UNNAMED to run without a JDK warning, as the driver does); errno is captured with
     * the call. The handles are created on first use, so configurations without syslog never touch native code. */

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int SUN_PATH_BYTES = 108;
    private static final int SOCKADDR_UN_BYTES = 2 + SUN_PATH_BYTES;
    /** errno values a sender may see when the receiver is slow (retry later) */
    private static final int EAGAIN = 11;
    private static final int ENOBUFS = 105;

    private final int fd;

    private UnixDatagram(int fd) {
        this.fd = fd;
    }

    /** Native calls, created on first use. */
    private static final class Libc {
        static final Linker LINKER = Linker.nativeLinker();
        static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
        static final MemoryLayout STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO_HANDLE = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT));
        static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle RECV = handle("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_INT));
        static final MethodHandle SETSOCKOPT = handle("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

        private static MethodHandle handle(String name, FunctionDescriptor d) {
            SymbolLookup libc = LINKER.defaultLookup();
            return LINKER.downcallHandle(libc.find(name).orElseThrow(), d, ERRNO);
        }

        static int errno(MemorySegment state) {
            return (int) ERRNO_HANDLE.get(state, 0L);
        }
    }

    /** A socket to send datagrams from. */
    public static UnixDatagram open() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.STATE);
            int fd = (int) Libc.SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM, 0);
            if (fd < 0) {
                throw new IOException("socket(AF_UNIX, SOCK_DGRAM): errno " + Libc.errno(state));
            }
            return new UnixDatagram(fd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): " + t, t);
        }
    }

    /** A socket bound to {@code path} (which must not exist), receiving with a timeout. */
    public static UnixDatagram bind(Path path, int receiveTimeoutMillis) throws IOException {
        UnixDatagram s = open();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.STATE);
            MemorySegment addr = address(arena, path);
            int rc = (int) Libc.BIND.invokeExact(state, s.fd, addr, SOCKADDR_UN_BYTES);
            if (rc != 0) {
                s.close();
                throw new IOException("bind(" + path + "): errno " + Libc.errno(state));
            }
            MemorySegment tv = arena.allocate(16);
            tv.set(JAVA_LONG, 0, receiveTimeoutMillis / 1000);
            tv.set(JAVA_LONG, 8, (receiveTimeoutMillis % 1000) * 1000L);
            rc = (int) Libc.SETSOCKOPT.invokeExact(state, s.fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
            if (rc != 0) {
                s.close();
                throw new IOException("setsockopt(SO_RCVTIMEO): errno " + Libc.errno(state));
            }
            return s;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            s.close();
            throw new IOException("bind(" + path + "): " + t, t);
        }
    }

    /**
     * Sends one datagram to the socket at {@code path}.
     *
     * @throws IOException with the errno; {@link #isTransient} tells a full receiver from a missing one
     */
    public void send(Path path, byte[] data) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.STATE);
            MemorySegment buf = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
            long n = (long) Libc.SENDTO.invokeExact(state, fd, buf, (long) data.length, 0, address(arena, path),
                    SOCKADDR_UN_BYTES);
            if (n < 0) {
                int errno = Libc.errno(state);
                throw new ErrnoException("sendto(" + path + "): errno " + errno, errno);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("sendto(" + path + "): " + t, t);
        }
    }

    /** {@return the next datagram, or null when none came within the receive timeout} */
    public byte[] receive() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.STATE);
            MemorySegment buf = arena.allocate(1 << 16);
            long n = (long) Libc.RECV.invokeExact(state, fd, buf, buf.byteSize(), 0);
            if (n < 0) {
                int errno = Libc.errno(state);
                if (errno == EAGAIN) {
                    return null;
                }
                throw new IOException("recv: errno " + errno);
            }
            return buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("recv: " + t, t);
        }
    }

    /** {@return whether a send failure may pass (the receiver's buffer was full)} */
    public static boolean isTransient(IOException e) {
        return e instanceof ErrnoException ee && (ee.errno == EAGAIN || ee.errno == ENOBUFS);
    }

    private static MemorySegment address(Arena arena, Path path) throws IOException {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= SUN_PATH_BYTES) {
            throw new IOException("socket path too long (" + p.length + " bytes, at most "
                    + (SUN_PATH_BYTES - 1) + "): " + path);
        }
        MemorySegment addr = arena.allocate(SOCKADDR_UN_BYTES);
        addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(p, 0, addr, java.lang.foreign.ValueLayout.JAVA_BYTE, 2, p.length);
        return addr;
    }

    @Override
    public void close() {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) Libc.CLOSE.invokeExact(arena.allocate(Libc.STATE), fd);
        } catch (Throwable t) {
            // closing a descriptor cannot be retried
        }
    }

    private static final class ErrnoException extends IOException {
        final int errno;

        ErrnoException(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }
}
