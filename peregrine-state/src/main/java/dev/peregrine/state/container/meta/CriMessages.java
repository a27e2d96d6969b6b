package dev.peregrine.state.container.meta;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few messages of the CRI ({@code runtime.v1}, kubernetes/cri-api {@code api.proto}) the resolver exchanges,
 * encoded and decoded by hand: requests as protobuf bytes, responses into records holding only the fields Falco's
 * container plugin reads. Unknown fields are skipped, so newer runtimes' answers decode too.
 */
public final class CriMessages {
    /* Implementation notes: field numbers are those of runtime.v1's api.proto (facts of the interface). protoc and
     * generated classes would bring a code generator into the build (the protoc-gen-grpc-java binary of the gRPC
     * version in use is not even published for every platform) for six messages read and four written; decoding
     * by field number with ProtoWire keeps the whole CRI surface in this one file. Maps are
     * repeated entry messages (key = 1, value = 2). Decoding errors surface as IOException
     * to the caller, which treats the endpoint as not answering. */

    /** {@code NamespaceMode.NODE}: the pod shares the host's namespace. */
    public static final int NAMESPACE_MODE_NODE = 2;

    private CriMessages() {
    }

    /** {@code runtime.v1.VersionResponse}, the runtime's name ({@code containerd}, {@code cri-o}, ...) among it. */
    public record Version(String version, String runtimeName, String runtimeVersion, String runtimeApiVersion) {
    }

    /** {@code runtime.v1.Container} of {@code ListContainers}: its full id and its pod sandbox's. */
    public record ContainerRef(String id, String podSandboxId) {
    }

    /** {@code runtime.v1.Mount} as a status reports it. */
    public record Mount(String containerPath, String hostPath, boolean readonly, int propagation) {
    }

    /**
     * {@code runtime.v1.ContainerStatusResponse}: the status fields the plugin reads, and the verbose {@code info}
     * map (containerd and CRI-O put a JSON document under {@code "info"}).
     */
    public record ContainerStatus(String id, String name, long createdAt, long startedAt, String image,
            String imageRef, String imageId, Map<String, String> labels, Map<String, String> annotations,
            List<Mount> mounts, long uid, Map<String, String> info) {
        public ContainerStatus {
            requireNonNull(id, "id is null");
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
            mounts = List.copyOf(mounts);
            info = Map.copyOf(info);
        }
    }

    /** {@code runtime.v1.PodSandboxStatusResponse}: the sandbox's metadata, IP, namespaces, labels and info. */
    public record PodSandboxStatus(String id, String name, String uid, String namespace, String ip,
            int networkMode, int pidMode, int ipcMode, Map<String, String> labels, Map<String, String> annotations,
            Map<String, String> info) {
        public PodSandboxStatus {
            requireNonNull(id, "id is null");
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
            info = Map.copyOf(info);
        }
    }

    /** {@code runtime.v1.ContainerEventResponse}: a container's id and what happened to it (0 created ... 3 deleted). */
    public record ContainerEvent(String containerId, int type) {
        /** {@code CONTAINER_CREATED_EVENT} */
        public static final int CREATED = 0;
        /** {@code CONTAINER_STARTED_EVENT} */
        public static final int STARTED = 1;
        /** {@code CONTAINER_STOPPED_EVENT} */
        public static final int STOPPED = 2;
        /** {@code CONTAINER_DELETED_EVENT} */
        public static final int DELETED = 3;
    }

    // ---- requests

    /** {@return {@code VersionRequest{version: ""}}} */
    public static byte[] versionRequest() {
        return new byte[0];
    }

    /** {@return {@code ListContainersRequest{filter: {id: idOrPrefix}}}} */
    public static byte[] listContainersRequest(String idOrPrefix) {
        return message(out -> out.writeBytes(1, (
                message(f -> f.writeString(1, idOrPrefix)))));
    }

    /** {@return {@code ContainerStatusRequest{container_id, verbose}}} */
    public static byte[] containerStatusRequest(String id, boolean verbose) {
        return message(out -> {
            out.writeString(1, id);
            out.writeBool(2, verbose);
        });
    }

    /** {@return {@code PodSandboxStatusRequest{pod_sandbox_id, verbose}}} */
    public static byte[] podSandboxStatusRequest(String id, boolean verbose) {
        return message(out -> {
            out.writeString(1, id);
            out.writeBool(2, verbose);
        });
    }

    /** Writes the fields of one message. */
    @FunctionalInterface
    public interface Fields {
        void write(ProtoWire.Writer out);
    }

    /** {@return the bytes of a message whose fields {@code fields} writes} */
    public static byte[] message(Fields fields) {
        ProtoWire.Writer out = new ProtoWire.Writer();
        fields.write(out);
        return out.toByteArray();
    }

    /** {@return a map entry message (key = 1, value = 2), as maps are encoded} */
    public static byte[] mapEntry(String key, String value) {
        return message(out -> {
            out.writeString(1, key);
            out.writeString(2, value);
        });
    }

    // ---- responses

    /** {@return the decoded {@code VersionResponse}} */
    public static Version version(byte[] bytes) throws IOException {
        String[] f = {"", "", "", ""};
        ProtoWire.Reader in = new ProtoWire.Reader(bytes);
        for (int tag; (tag = in.readTag()) != 0;) {
            int field = ProtoWire.field(tag);
            if (field >= 1 && field <= 4 && ProtoWire.wireType(tag) == ProtoWire.LENGTH_DELIMITED) {
                f[field - 1] = in.readString();
            } else {
                in.skip(tag);
            }
        }
        return new Version(f[0], f[1], f[2], f[3]);
    }

    /** {@return the containers of a {@code ListContainersResponse}} */
    public static List<ContainerRef> containers(byte[] bytes) throws IOException {
        List<ContainerRef> out = new ArrayList<>();
        ProtoWire.Reader in = new ProtoWire.Reader(bytes);
        for (int tag; (tag = in.readTag()) != 0;) {
            if (ProtoWire.field(tag) == 1 && ProtoWire.wireType(tag) == ProtoWire.LENGTH_DELIMITED) {
                ProtoWire.Reader c = new ProtoWire.Reader(in.readBytes());
                String id = "";
                String sandbox = "";
                for (int t; (t = c.readTag()) != 0;) {
                    switch (ProtoWire.field(t)) {
                        case 1 -> id = c.readString();
                        case 2 -> sandbox = c.readString();
                        default -> c.skip(t);
                    }
                }
                out.add(new ContainerRef(id, sandbox));
            } else {
                in.skip(tag);
            }
        }
        return out;
    }

    /** {@return the decoded {@code ContainerStatusResponse}, or null when it has no status} */
    public static ContainerStatus containerStatus(byte[] bytes) throws IOException {
        Map<String, String> info = new LinkedHashMap<>();
        byte[] status = statusAndInfo(bytes, info);
        if (status == null) {
            return null;
        }
        String id = "";
        String name = "";
        long created = 0;
        long started = 0;
        String image = "";
        String imageRef = "";
        String imageId = "";
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        List<Mount> mounts = new ArrayList<>();
        long uid = 0;
        ProtoWire.Reader s = new ProtoWire.Reader(status);
        for (int tag; (tag = s.readTag()) != 0;) {
            switch (ProtoWire.field(tag)) {
                case 1 -> id = s.readString();
                case 2 -> name = lastString(s.readBytes(), 1);
                case 4 -> created = s.readVarint();
                case 5 -> started = s.readVarint();
                case 8 -> image = lastString(s.readBytes(), 1);
                case 9 -> imageRef = s.readString();
                case 12 -> readEntry(s, labels);
                case 13 -> readEntry(s, annotations);
                case 14 -> mounts.add(mount(s.readBytes()));
                case 17 -> imageId = s.readString();
                case 18 -> uid = uid(s.readBytes());
                default -> s.skip(tag);
            }
        }
        return new ContainerStatus(id, name, created, started, image, imageRef, imageId, labels, annotations, mounts,
                uid, info);
    }

    /** {@return the decoded {@code PodSandboxStatusResponse}, or null when it has no status} */
    public static PodSandboxStatus podSandboxStatus(byte[] bytes) throws IOException {
        Map<String, String> info = new LinkedHashMap<>();
        byte[] status = statusAndInfo(bytes, info);
        return status == null ? null : podSandbox(status, info);
    }

    private static PodSandboxStatus podSandbox(byte[] status, Map<String, String> info) throws IOException {
        String id = "";
        String[] meta = {"", "", ""};
        String ip = "";
        int[] modes = {0, 0, 0};
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        ProtoWire.Reader s = new ProtoWire.Reader(status);
        for (int tag; (tag = s.readTag()) != 0;) {
            switch (ProtoWire.field(tag)) {
                case 1 -> id = s.readString();
                case 2 -> {
                    ProtoWire.Reader m = new ProtoWire.Reader(s.readBytes());
                    for (int t; (t = m.readTag()) != 0;) {
                        int f = ProtoWire.field(t);
                        if (f >= 1 && f <= 3 && ProtoWire.wireType(t) == ProtoWire.LENGTH_DELIMITED) {
                            meta[f - 1] = m.readString();
                        } else {
                            m.skip(t);
                        }
                    }
                }
                case 5 -> ip = lastString(s.readBytes(), 1);
                case 6 -> {
                    // LinuxPodSandboxStatus{namespaces = 1: Namespace{options = 2: NamespaceOption{1, 2, 3}}}
                    byte[] options = lastField(lastField(s.readBytes(), 1), 2);
                    ProtoWire.Reader o = new ProtoWire.Reader(options);
                    for (int t; (t = o.readTag()) != 0;) {
                        int f = ProtoWire.field(t);
                        if (f >= 1 && f <= 3 && ProtoWire.wireType(t) == ProtoWire.VARINT) {
                            modes[f - 1] = o.readInt32();
                        } else {
                            o.skip(t);
                        }
                    }
                }
                case 7 -> readEntry(s, labels);
                case 8 -> readEntry(s, annotations);
                default -> s.skip(tag);
            }
        }
        // PodSandboxMetadata: name = 1, uid = 2, namespace = 3
        return new PodSandboxStatus(id, meta[0], meta[1], meta[2], ip, modes[0], modes[1], modes[2], labels,
                annotations, info);
    }

    /** {@return the decoded {@code ContainerEventResponse}} */
    public static ContainerEvent containerEvent(byte[] bytes) throws IOException {
        String id = "";
        int type = -1;
        ProtoWire.Reader in = new ProtoWire.Reader(bytes);
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (ProtoWire.field(tag)) {
                case 1 -> id = in.readString();
                case 2 -> type = in.readInt32();
                default -> in.skip(tag);
            }
        }
        return new ContainerEvent(id, type);
    }

    /** Both status responses: {@code status = 1} (returned, null when absent) and {@code map info = 2}. */
    private static byte[] statusAndInfo(byte[] response, Map<String, String> info) throws IOException {
        byte[] status = null;
        ProtoWire.Reader in = new ProtoWire.Reader(response);
        for (int tag; (tag = in.readTag()) != 0;) {
            switch (ProtoWire.field(tag)) {
                case 1 -> status = in.readBytes();
                case 2 -> readEntry(in, info);
                default -> in.skip(tag);
            }
        }
        return status;
    }

    private static Mount mount(byte[] bytes) throws IOException {
        String container = "";
        String host = "";
        boolean readonly = false;
        int propagation = 0;
        ProtoWire.Reader m = new ProtoWire.Reader(bytes);
        for (int t; (t = m.readTag()) != 0;) {
            switch (ProtoWire.field(t)) {
                case 1 -> container = m.readString();
                case 2 -> host = m.readString();
                case 3 -> readonly = m.readBool();
                case 5 -> propagation = m.readInt32();
                default -> m.skip(t);
            }
        }
        return new Mount(container, host, readonly, propagation);
    }

    /** ContainerUser{linux = 1: LinuxContainerUser{uid = 1}}. */
    private static long uid(byte[] user) throws IOException {
        ProtoWire.Reader l = new ProtoWire.Reader(lastField(user, 1));
        for (int t; (t = l.readTag()) != 0;) {
            if (ProtoWire.field(t) == 1 && ProtoWire.wireType(t) == ProtoWire.VARINT) {
                return l.readVarint();
            }
            l.skip(t);
        }
        return 0;
    }

    private static void readEntry(ProtoWire.Reader in, Map<String, String> into) throws IOException {
        ProtoWire.Reader e = new ProtoWire.Reader(in.readBytes());
        String key = "";
        String value = "";
        for (int t; (t = e.readTag()) != 0;) {
            switch (ProtoWire.field(t)) {
                case 1 -> key = e.readString();
                case 2 -> value = e.readString();
                default -> e.skip(t);
            }
        }
        into.put(key, value);
    }

    private static String lastString(byte[] message, int field) throws IOException {
        byte[] b = lastField(message, field);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@return the last occurrence of a length-delimited field of a message (protobuf's last-one-wins), or none} */
    private static byte[] lastField(byte[] message, int field) throws IOException {
        byte[] found = new byte[0];
        ProtoWire.Reader in = new ProtoWire.Reader(message);
        for (int t; (t = in.readTag()) != 0;) {
            if (ProtoWire.field(t) == field && ProtoWire.wireType(t) == ProtoWire.LENGTH_DELIMITED) {
                found = in.readBytes();
            } else {
                in.skip(t);
            }
        }
        return found;
    }

}
