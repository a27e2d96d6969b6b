package dev.peregrine.state.container.meta;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A client of one CRI runtime's {@code runtime.v1.RuntimeService} over its unix socket (containerd's, CRI-O's):
 * unary calls with a deadline, and the container event stream. Requests and responses are protobuf bytes
 * ({@link CriMessages}); the transport is grpc-java's Netty with the epoll unix-domain socket channel.
 *
 * <p>Thread-safe; one channel per client, connected lazily and again after a failure. Close it when done.
 */
public final class CriClient implements AutoCloseable {
    /* Implementation notes: gRPC is HTTP/2 with HPACK (Huffman-coded headers from Go servers), flow control and
     * trailers; writing that over the JDK's unix SocketChannel, as UnixHttp does HTTP/1.1 for Podman and Docker,
     * would be a second HTTP/2 implementation to keep right. grpc-netty-shaded carries Netty's native epoll
     * transport (x86_64 and aarch64) in its jar and speaks to unix sockets through it; its I/O runs on one shared
     * event-loop thread, and callers (the resolver's virtual threads) only wait for a result with a deadline, so a
     * stalled runtime holds a virtual thread, never a carrier. Messages go through a byte[] marshaller: no protoc,
     * no generated classes (see CriMessages). */

    /** The CRI service. */
    public static final String SERVICE = "runtime.v1.RuntimeService";
    /** Largest response accepted (a verbose status carries the runtime spec; containerd's own limit is 16 MiB). */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /**
     * Netty's bootstrap warns, on every connection, that unix sockets have no SO_KEEPALIVE (which gRPC always asks
     * for); the level is set on the package's logger (Netty names its loggers after the concrete bootstrap class),
     * kept here so that it is not lost with a collected logger.
     */
    private static final Logger BOOTSTRAP_LOG = quiet("io.grpc.netty.shaded.io.netty.bootstrap");

    private static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.SEVERE);
        return l;
    }

    private static final class Loop {
        /** One epoll event loop for every CRI client of the process (daemon thread). */
        static final EventLoopGroup GROUP = new EpollEventLoopGroup(1, (ThreadFactory) r -> {
            Thread t = new Thread(r, "peregrine-cri-io");
            t.setDaemon(true);
            return t;
        });
    }

    private final Path socket;
    private final ManagedChannel channel;

    /**
     * A client of the runtime listening on {@code socket} (nothing is connected yet).
     *
     * @throws IllegalStateException when Netty's epoll transport cannot load here (see {@link #unavailableReason})
     */
    public CriClient(Path socket) {
        this.socket = requireNonNull(socket, "socket is null");
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(Loop.GROUP)
                .channelType(EpollDomainSocketChannel.class)
                .negotiationType(NegotiationType.PLAINTEXT)
                .overrideAuthority("localhost")
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
    }

    /** {@return why CRI clients cannot work in this process (no epoll transport), or null when they can} */
    public static String unavailableReason() {
        if (Epoll.isAvailable()) {
            return null;
        }
        Throwable cause = Epoll.unavailabilityCause();
        return "Netty's epoll transport is unavailable: " + (cause == null ? "unknown reason" : cause.toString());
    }

    /** {@return the runtime's socket} */
    public Path socket() {
        return socket;
    }

    /**
     * Calls a unary method of {@link #SERVICE}.
     *
     * @param method the method's name, e.g. {@code ContainerStatus}
     * @param request the request's protobuf bytes
     * @param timeout deadline of the call
     * @return the response's protobuf bytes
     * @throws SocketTimeoutException at the deadline
     * @throws IOException when the runtime refuses or cannot be reached ({@link Status} in the message)
     * @throws NotFoundException when the runtime answers NOT_FOUND
     */
    public byte[] call(String method, byte[] request, Duration timeout) throws IOException {
        try {
            return ClientCalls.blockingUnaryCall(channel, unary(method),
                    CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS), request);
        } catch (StatusRuntimeException e) {
            throw failure(method, e);
        }
    }

    /**
     * Follows a server-streaming method until it ends, calling {@code onMessage} for each response.
     *
     * @throws IOException when the stream fails or cannot be opened (UNIMPLEMENTED from runtimes without it)
     */
    public void stream(String method, byte[] request, Consumer<byte[]> onMessage) throws IOException {
        ClientCall<byte[], byte[]> call = channel.newCall(serverStreaming(method), CallOptions.DEFAULT);
        try {
            Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(call, request);
            while (it.hasNext()) {
                onMessage.accept(it.next());
            }
        } catch (StatusRuntimeException e) {
            throw failure(method, e);
        } finally {
            call.cancel("done", null);
        }
    }

    /** The runtime answered NOT_FOUND. */
    public static final class NotFoundException extends IOException {
        NotFoundException(String message) {
            super(message);
        }
    }

    private IOException failure(String method, StatusRuntimeException e) {
        Status s = e.getStatus();
        String message = socket + " " + method + ": " + s.getCode()
                + (s.getDescription() == null ? "" : " (" + s.getDescription() + ")");
        return switch (s.getCode()) {
            case DEADLINE_EXCEEDED -> new SocketTimeoutException(message);
            case NOT_FOUND -> new NotFoundException(message);
            default -> new IOException(message, e);
        };
    }

    private static MethodDescriptor<byte[], byte[]> unary(String method) {
        return descriptor(method, MethodDescriptor.MethodType.UNARY);
    }

    private static MethodDescriptor<byte[], byte[]> serverStreaming(String method) {
        return descriptor(method, MethodDescriptor.MethodType.SERVER_STREAMING);
    }

    /** {@return the descriptor of a method of {@link #SERVICE} taking and returning protobuf bytes} */
    public static MethodDescriptor<byte[], byte[]> descriptor(String method, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /** Closes the channel (calls in progress are cancelled). */
    @Override
    public void close() {
        channel.shutdownNow();
    }
}
