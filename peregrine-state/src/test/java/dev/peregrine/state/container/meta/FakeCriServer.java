package dev.peregrine.state.container.meta;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A CRI runtime for tests: a real gRPC server (grpc-java, Netty epoll) on a unix socket serving
 * {@code runtime.v1.RuntimeService} methods from recorded or reconstructed response bytes. A method whose answer
 * function returns null answers NOT_FOUND; an unlisted method UNIMPLEMENTED. {@code stalled} methods never answer.
 * {@code GetContainerEvents} streams the given events and then stays open.
 */
final class FakeCriServer implements AutoCloseable {
    private final Path path;
    private final Server server;
    private final EventLoopGroup group = new EpollEventLoopGroup(1);
    private final List<String> calls = new CopyOnWriteArrayList<>();

    FakeCriServer(Path path, Map<String, Function<byte[], byte[]>> unary, List<String> stalled,
            List<byte[]> events) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(CriClient.SERVICE);
        for (Map.Entry<String, Function<byte[], byte[]>> e : unary.entrySet()) {
            service.addMethod(CriClient.descriptor(e.getKey(), MethodDescriptor.MethodType.UNARY),
                    ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
                        calls.add(e.getKey());
                        byte[] answer = e.getValue().apply(request);
                        if (answer == null) {
                            out.onError(Status.NOT_FOUND.withDescription("not found").asRuntimeException());
                        } else {
                            out.onNext(answer);
                            out.onCompleted();
                        }
                    }));
        }
        for (String m : stalled) {
            service.addMethod(CriClient.descriptor(m, MethodDescriptor.MethodType.UNARY),
                    ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> calls.add(m)));
        }
        if (events != null) {
            service.addMethod(CriClient.descriptor("GetContainerEvents",
                    MethodDescriptor.MethodType.SERVER_STREAMING),
                    ServerCalls.asyncServerStreamingCall((byte[] request, StreamObserver<byte[]> out) -> {
                        calls.add("GetContainerEvents");
                        events.forEach(out::onNext);
                        // held open, as a runtime's stream is, until the server closes
                    }));
        }
        this.server = NettyServerBuilder.forAddress(new DomainSocketAddress(path.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addService(service.build())
                .build()
                .start();
    }

    /** {@return a server answering each method with fixed bytes (null: NOT_FOUND)} */
    static FakeCriServer answering(Path path, Map<String, byte[]> answers) throws IOException {
        Map<String, Function<byte[], byte[]>> unary = new java.util.HashMap<>();
        answers.forEach((k, v) -> unary.put(k, request -> v));
        return new FakeCriServer(path, unary, List.of(), null);
    }

    Path path() {
        return path;
    }

    /** {@return the methods called so far, in order} */
    List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
