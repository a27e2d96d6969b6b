package dev.peregrine.state.container.meta;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerMetadataSource;
import dev.peregrine.state.container.ContainerRuntime;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Looks container metadata up from the container runtimes without ever blocking the event path: {@link #request}
 * only offers the id to a bounded queue (a full queue drops it and counts the drop), virtual threads ask the
 * runtimes' sockets with a deadline, and {@link #poll} hands the answers back to the event thread.
 *
 * <p>Runtimes: Podman (libpod API) and Docker (Engine API) over their unix sockets, containerd and CRI-O over
 * their CRI gRPC sockets ({@code runtime.v1.RuntimeService}, {@link CriClient}). A container is asked of the
 * endpoints of its own runtime first (every CRI endpoint for a CRI-managed container), then of the others (Podman
 * also serves the Docker API, and a cgroupfs Kubernetes cgroup looks like Docker's). Containers of runtimes no
 * configured endpoint serves (containerd and CRI-O without a CRI endpoint, LXC, libvirt-lxc, BPM) get generic
 * metadata at once, their id and type only, as Falco's container plugin does for the engines it cannot query.
 *
 * <p>With {@link #watchEvents()}, the resolver also follows each runtime's event stream and looks a container up
 * as soon as it is created or started, so that its metadata is usually known before its first process runs (as
 * Falco's plugin, which listens to the runtimes, has it).
 *
 * <p>Thread-safe. Close it to stop the workers.
 */
public final class MetadataResolver implements ContainerMetadataSource, AutoCloseable {
    /* Implementation notes: the queue is the only thing the event thread touches besides the result queue; offer()
     * and poll() on them never wait. Each worker serves one request at a time, so a stalled runtime holds at most
     * WORKERS requests for at most the timeout each while the queue absorbs QUEUE_CAPACITY more; further ids are
     * dropped (counted), and the events carry their container id regardless. The state engine asks again for a
     * container still unknown when a new process of it appears: a dropped id is then queued again, a failed one
     * only RETRY_AFTER after its failure (so an unknown id costs a lookup per RETRY_AFTER, not per exec).
     * Falco's plugin likewise asks its go-worker once per new container id and never waits for the answer. */

    /** Default socket of Podman's API service when run by root. */
    public static final Path PODMAN_SOCKET = Path.of("/run/podman/podman.sock");
    /** Default socket of the Docker Engine API. */
    public static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");
    /** Default CRI socket of containerd (also the one Docker's containerd uses, usually without the CRI plugin). */
    public static final Path CONTAINERD_SOCKET = Path.of("/run/containerd/containerd.sock");
    /** containerd's CRI socket under k3s. */
    public static final Path K3S_CONTAINERD_SOCKET = Path.of("/run/k3s/containerd/containerd.sock");
    /** Default CRI socket of CRI-O. */
    public static final Path CRIO_SOCKET = Path.of("/run/crio/crio.sock");
    /** Requests waiting at most; beyond that new ids are dropped (a host starts far fewer containers at once). */
    public static final int QUEUE_CAPACITY = 1024;
    /** Concurrent lookups (virtual threads). */
    public static final int WORKERS = 4;
    /** Deadline of one exchange with a runtime. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Least time between two lookups of a container whose lookup failed. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    /** Failed ids remembered at most (for {@link #RETRY_AFTER}); beyond that the memory is cleared. */
    private static final int MAX_FAILED_REMEMBERED = 16 * QUEUE_CAPACITY;
    /** Pause before a runtime's event stream is opened again after it ended or could not be opened. */
    public static final Duration WATCH_RETRY = Duration.ofSeconds(5);
    /** {@code {"type":["container"]}}, URL-encoded: the event filter of both APIs. */
    private static final String CONTAINER_EVENTS_FILTER = "%7B%22type%22%3A%5B%22container%22%5D%7D";
    private static final int SHORT_ID_LENGTH = 12;

    /** The API an endpoint speaks. */
    public enum Api {
        /** Podman's libpod REST API ({@code /v4.0.0/libpod/containers/{id}/json}). */
        LIBPOD,
        /** Docker's Engine API ({@code /containers/{id}/json}), also served by Podman. */
        DOCKER,
        /**
         * The CRI's {@code runtime.v1.RuntimeService} over gRPC (containerd, CRI-O): {@code ListContainers},
         * {@code ContainerStatus} (verbose), {@code PodSandboxStatus} (verbose), {@code GetContainerEvents}.
         */
        CRI
    }

    /**
     * A runtime's API socket.
     *
     * @param socket the unix socket
     * @param api what it speaks
     * @param runtime the runtime whose containers it knows best (for {@link Api#CRI}: the one expected there;
     *     the runtime's own {@code Version} answer decides the {@code container.type} of what it returns)
     */
    public record Endpoint(Path socket, Api api, ContainerRuntime runtime) {
        public Endpoint {
            requireNonNull(socket, "socket is null");
            requireNonNull(api, "api is null");
            requireNonNull(runtime, "runtime is null");
        }
    }

    /**
     * Counters.
     *
     * @param requested ids requested
     * @param dropped ids dropped because the queue was full
     * @param resolved containers resolved
     * @param failed lookups that no endpoint answered with the container (not found, unreachable, bad answer)
     * @param timedOut exchanges abandoned at the deadline
     * @param unsupported ids of runtimes no endpoint serves (e.g. containerd without a CRI endpoint): given generic
     *     metadata
     * @param runtimeEvents container create/start events received from the runtimes' event streams
     */
    public record Stats(long requested, long dropped, long resolved, long failed, long timedOut, long unsupported,
            long runtimeEvents) {
    }

    private record Request(String id, ContainerRuntime runtime) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Endpoint> endpoints;
    private final Duration timeout;
    private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ConcurrentLinkedQueue<ContainerInfo> results = new ConcurrentLinkedQueue<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Ids whose last lookup failed, with the time of the failure ({@link System#nanoTime()}). */
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;
    private final UnixHttp http;
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    private final Map<Endpoint, CriClient> criClients = new ConcurrentHashMap<>();
    /** The runtime each CRI endpoint said it is ({@code Version}), asked once per endpoint. */
    private final Map<Endpoint, ContainerRuntime> criRuntimes = new ConcurrentHashMap<>();
    private final boolean criConfigured;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong resolved = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong unsupported = new AtomicLong();
    private final AtomicLong runtimeEvents = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts a resolver.
     *
     * @param endpoints the runtimes' sockets, in the order they are tried for a container of no listed runtime
     * @param timeout deadline of one exchange with a runtime
     */
    public MetadataResolver(List<Endpoint> endpoints, Duration timeout) {
        this.endpoints = List.copyOf(endpoints);
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.criConfigured = this.endpoints.stream().anyMatch(e -> e.api() == Api.CRI);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peregrine-container-meta-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.http = new UnixHttp(watchdog);
        for (int i = 0; i < WORKERS; i++) {
            workers.add(Thread.ofVirtual().name("peregrine-container-meta-", i).start(this::serve));
        }
    }

    /**
     * {@return a resolver for the runtimes' default sockets, Podman's ({@link #PODMAN_SOCKET}), Docker's,
     * containerd's (also k3s's) and CRI-O's, that watches their event streams}
     */
    public static MetadataResolver defaults() {
        return new MetadataResolver(List.of(new Endpoint(PODMAN_SOCKET, Api.LIBPOD, ContainerRuntime.PODMAN),
                new Endpoint(DOCKER_SOCKET, Api.DOCKER, ContainerRuntime.DOCKER),
                new Endpoint(CONTAINERD_SOCKET, Api.CRI, ContainerRuntime.CONTAINERD),
                new Endpoint(K3S_CONTAINERD_SOCKET, Api.CRI, ContainerRuntime.CONTAINERD),
                new Endpoint(CRIO_SOCKET, Api.CRI, ContainerRuntime.CRIO)), DEFAULT_TIMEOUT).watchEvents();
    }

    /**
     * Follows every endpoint's container event stream (on a virtual thread each, reopened after
     * {@link #WATCH_RETRY} when it ends or the socket is missing): a created or started container is requested
     * at once, a removed one forgotten.
     *
     * @return this resolver
     */
    public MetadataResolver watchEvents() {
        for (Endpoint e : endpoints) {
            workers.add(Thread.ofVirtual().name("peregrine-container-events-" + e.runtime().displayName())
                    .start(() -> watch(e)));
        }
        return this;
    }

    private void watch(Endpoint e) {
        String target = switch (e.api()) {
            case LIBPOD -> "/v4.0.0/libpod/events?stream=true&filters=" + CONTAINER_EVENTS_FILTER;
            case DOCKER -> "/events?filters=" + CONTAINER_EVENTS_FILTER;
            case CRI -> "GetContainerEvents";
        };
        while (!closed) {
            if (Files.exists(e.socket())) {
                try {
                    if (e.api() == Api.CRI) {
                        // containerd before 1.7 answers UNIMPLEMENTED: asked again after the pause like a gone socket
                        criClient(e).stream(target, new byte[0], bytes -> onCriEvent(e, bytes));
                    } else {
                        http.stream(e.socket(), target, timeout, line -> onRuntimeEvent(e, line));
                    }
                } catch (IOException | IllegalStateException ex) {
                    // the runtime went away or refused: try again after the pause
                }
            }
            try {
                Thread.sleep(WATCH_RETRY);
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    private void onRuntimeEvent(Endpoint e, String line) {
        JsonNode ev;
        try {
            ev = JSON.readTree(line);
        } catch (IOException ex) {
            return; // not an event: skip the line
        }
        if (ev == null || !ev.path("Type").asText("").equals("container")) {
            return;
        }
        String action = ev.path("Action").asText(ev.path("status").asText(""));
        String id = ev.path("Actor").path("ID").asText(ev.path("id").asText(""));
        if (id.length() < SHORT_ID_LENGTH) {
            return;
        }
        String shortId = id.substring(0, SHORT_ID_LENGTH);
        switch (action) {
            case "create", "start" -> {
                runtimeEvents.incrementAndGet();
                request(shortId, e.runtime());
            }
            case "remove" -> forget(shortId);
            default -> {
                // other actions (init, died, attach, ...) change no metadata Peregrine keeps
            }
        }
    }

    private void onCriEvent(Endpoint e, byte[] bytes) {
        CriMessages.ContainerEvent ev;
        try {
            ev = CriMessages.containerEvent(bytes);
        } catch (IOException ex) {
            return; // undecodable: skip it
        }
        if (ev.containerId().length() < SHORT_ID_LENGTH) {
            return;
        }
        String shortId = ev.containerId().substring(0, SHORT_ID_LENGTH);
        switch (ev.type()) {
            case CriMessages.ContainerEvent.CREATED, CriMessages.ContainerEvent.STARTED -> {
                runtimeEvents.incrementAndGet();
                request(shortId, e.runtime());
            }
            case CriMessages.ContainerEvent.DELETED -> forget(shortId);
            default -> {
                // stopped: the metadata stays until the init process exits
            }
        }
    }

    @Override
    public void request(String id, ContainerRuntime runtime) {
        requireNonNull(id, "id is null");
        requireNonNull(runtime, "runtime is null");
        Long failed = failedAt.get(id);
        if (closed || failed != null && System.nanoTime() - failed < RETRY_AFTER.toNanos() || !pending.add(id)) {
            return;
        }
        requested.incrementAndGet();
        if (!servable(runtime)) {
            unsupported.incrementAndGet();
            results.add(ContainerInfo.bare(id, runtime));
            return;
        }
        if (!queue.offer(new Request(id, runtime))) {
            pending.remove(id);
            dropped.incrementAndGet();
        }
    }

    @Override
    public ContainerInfo poll() {
        return results.poll();
    }

    @Override
    public void forget(String id) {
        pending.remove(id);
        failedAt.remove(id);
    }

    /** {@return the counters so far} */
    public Stats stats() {
        return new Stats(requested.get(), dropped.get(), resolved.get(), failed.get(), timedOut.get(),
                unsupported.get(), runtimeEvents.get());
    }

    /**
     * Looks one container up now, on the calling thread (what a worker does for each request).
     *
     * @return the container, or null when no endpoint knows it
     */
    public ContainerInfo lookup(String id, ContainerRuntime runtime) {
        if (!servable(runtime)) {
            unsupported.incrementAndGet();
            return null;
        }
        for (Endpoint e : ordered(runtime)) {
            if (!Files.exists(e.socket())) {
                continue;
            }
            try {
                ContainerInfo info = inspect(e, id);
                if (info != null) {
                    return info;
                }
            } catch (SocketTimeoutException ex) {
                timedOut.incrementAndGet();
            } catch (IOException | IllegalArgumentException ex) {
                // unreachable or unreadable: try the next endpoint
            }
        }
        failed.incrementAndGet();
        return null;
    }

    private boolean servable(ContainerRuntime runtime) {
        return switch (runtime) {
            case DOCKER, PODMAN, UNKNOWN -> true;
            case CRI, CONTAINERD, CRIO -> criConfigured;
            case LXC, LIBVIRT_LXC, MESOS, RKT, CUSTOM, BPM, STATIC, HOST -> false;
        };
    }

    private List<Endpoint> ordered(ContainerRuntime runtime) {
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (serves(e, runtime)) {
                out.add(e);
            }
        }
        for (Endpoint e : endpoints) {
            if (!serves(e, runtime)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Whether an endpoint is among the first asked about a container of that runtime. */
    private static boolean serves(Endpoint e, ContainerRuntime runtime) {
        return e.runtime() == runtime || e.api() == Api.CRI && switch (runtime) {
            case CRI, CONTAINERD, CRIO -> true;
            case DOCKER, PODMAN, UNKNOWN, LXC, LIBVIRT_LXC, MESOS, RKT, CUSTOM, BPM, STATIC, HOST -> false;
        };
    }

    private CriClient criClient(Endpoint e) {
        if (closed) {
            throw new IllegalStateException("resolver closed");
        }
        return criClients.computeIfAbsent(e, x -> new CriClient(x.socket()));
    }

    /**
     * Asks a CRI runtime as the plugin does: {@code ListContainers} filtered by the (short) id for the full id and
     * the pod sandbox, then the verbose {@code ContainerStatus} and {@code PodSandboxStatus}. An id no container has
     * may be a pod sandbox's own (its pause process): then the sandbox is asked directly.
     */
    private ContainerInfo inspectCri(Endpoint e, String id) throws IOException {
        CriClient client;
        try {
            client = criClient(e);
        } catch (IllegalStateException ex) {
            throw new IOException(ex.getMessage(), ex);
        }
        ContainerRuntime runtime = criRuntimes.get(e);
        if (runtime == null) {
            CriMessages.Version v = CriMessages.version(client.call("Version", CriMessages.versionRequest(),
                    timeout));
            runtime = CriParser.runtime(v.runtimeName());
            criRuntimes.put(e, runtime);
        }
        List<CriMessages.ContainerRef> refs = CriMessages.containers(client.call("ListContainers",
                CriMessages.listContainersRequest(id), timeout));
        if (refs.isEmpty()) {
            try {
                CriMessages.PodSandboxStatus sandbox = CriMessages.podSandboxStatus(client.call("PodSandboxStatus",
                        CriMessages.podSandboxStatusRequest(id, true), timeout));
                return sandbox == null || sandbox.id().isEmpty() ? null : CriParser.sandbox(sandbox, runtime);
            } catch (CriClient.NotFoundException ex) {
                return null;
            }
        }
        CriMessages.ContainerRef ref = refs.getFirst();
        CriMessages.ContainerStatus status;
        try {
            status = CriMessages.containerStatus(client.call("ContainerStatus",
                    CriMessages.containerStatusRequest(ref.id(), true), timeout));
        } catch (CriClient.NotFoundException ex) {
            return null; // removed in between
        }
        if (status == null) {
            return null;
        }
        CriMessages.PodSandboxStatus sandbox = null;
        if (!ref.podSandboxId().isEmpty()) {
            try {
                sandbox = CriMessages.podSandboxStatus(client.call("PodSandboxStatus",
                        CriMessages.podSandboxStatusRequest(ref.podSandboxId(), true), timeout));
            } catch (SocketTimeoutException ex) {
                throw ex;
            } catch (IOException ex) {
                // the plugin goes on without the sandbox: no pod labels, IP or host namespaces
            }
        }
        return CriParser.container(status, sandbox, runtime).info();
    }

    private ContainerInfo inspect(Endpoint e, String id) throws IOException {
        String path = switch (e.api()) {
            case LIBPOD -> "/v4.0.0/libpod/containers/" + id + "/json";
            case DOCKER -> "/containers/" + id + "/json";
            case CRI -> null;
        };
        if (path == null) {
            return inspectCri(e, id);
        }
        UnixHttp.Response r = http.get(e.socket(), path, timeout);
        if (r.status() != 200) {
            return null;
        }
        JsonNode doc = JSON.readTree(r.body());
        ContainerInfo info = switch (e.api()) {
            case LIBPOD -> InspectParser.podman(doc);
            case CRI -> throw new IllegalStateException("CRI endpoints are asked over gRPC");
            case DOCKER -> {
                JsonNode image = null;
                String imageId = doc.path("Image").asText("");
                if (!imageId.isEmpty()) {
                    UnixHttp.Response ir = http.get(e.socket(), "/images/" + imageId + "/json", timeout);
                    if (ir.status() == 200) {
                        image = JSON.readTree(ir.body());
                    }
                }
                yield InspectParser.docker(doc, image);
            }
        };
        if (e.runtime() == ContainerRuntime.PODMAN && info.runtime() != ContainerRuntime.PODMAN) {
            info = withRuntime(info, ContainerRuntime.PODMAN); // Podman's Docker-compatible API
        }
        return info;
    }

    private static ContainerInfo withRuntime(ContainerInfo c, ContainerRuntime runtime) {
        return new ContainerInfo(c.id(), c.fullId(), runtime, c.name(), c.image(), c.imageId(), c.imageRepository(),
                c.imageTag(), c.imageDigest(), c.ip(), c.user(), c.privileged(), c.hostNetwork(), c.hostPid(),
                c.hostIpc(), c.isPodSandbox(), c.podSandboxId(), c.mounts(), c.labels(), c.podSandboxLabels(),
                c.cniJson());
    }

    private void serve() {
        while (!closed) {
            Request r;
            try {
                r = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            ContainerInfo info = lookup(r.id(), r.runtime());
            if (info != null && !closed) {
                resolved.incrementAndGet();
                failedAt.remove(r.id());
                results.add(info);
            } else {
                if (failedAt.size() >= MAX_FAILED_REMEMBERED) {
                    failedAt.clear();
                }
                failedAt.put(r.id(), System.nanoTime());
                pending.remove(r.id());
            }
        }
    }

    /** Stops the workers (an exchange in progress is abandoned) and the watchdog. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            w.interrupt();
        }
        watchdog.shutdownNow();
        criClients.values().forEach(CriClient::close);
    }
}
