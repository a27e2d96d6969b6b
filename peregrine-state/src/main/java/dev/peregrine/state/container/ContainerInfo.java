package dev.peregrine.state.container;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What is known about one container, from a container JSON event ({@code container.*} and {@code k8s.*} fields).
 *
 * @param id short container id (12 characters)
 * @param fullId full id, empty when unknown
 * @param runtime the runtime that runs it
 * @param name container name
 * @param image image as the container was started with ({@code container.image})
 * @param imageId image id
 * @param imageRepository image repository ({@code container.image.repository})
 * @param imageTag image tag ({@code container.image.tag})
 * @param imageDigest image digest ({@code container.image.digest})
 * @param ip container IP address, empty when unknown
 * @param user the user the container runs as ({@code container.user})
 * @param privileged whether the container is privileged
 * @param hostNetwork whether the container shares the host's network namespace
 * @param hostPid whether the container shares the host's pid namespace
 * @param hostIpc whether the container shares the host's IPC namespace
 * @param isPodSandbox whether this is a Kubernetes pod sandbox ("pause") container
 * @param podSandboxId the id of the pod sandbox, empty when none
 * @param mounts mounts, in the JSON's order
 * @param labels container labels (Kubernetes pod name, namespace and uid among them)
 * @param podSandboxLabels the pod's labels
 * @param cniJson the pod's CNI result as JSON ({@code container.cni.json}, {@code k8s.pod.cni.json}; the plugin's
 *     {@code cni_json}), from the CRI API only; empty when unknown
 */
public record ContainerInfo(
        String id,
        String fullId,
        ContainerRuntime runtime,
        String name,
        String image,
        String imageId,
        String imageRepository,
        String imageTag,
        String imageDigest,
        String ip,
        String user,
        boolean privileged,
        boolean hostNetwork,
        boolean hostPid,
        boolean hostIpc,
        boolean isPodSandbox,
        String podSandboxId,
        List<Mount> mounts,
        Map<String, String> labels,
        Map<String, String> podSandboxLabels,
        String cniJson) {

    /** Label carrying the pod name. */
    public static final String K8S_POD_NAME_LABEL = "io.kubernetes.pod.name";
    /** Label carrying the pod namespace. */
    public static final String K8S_POD_NAMESPACE_LABEL = "io.kubernetes.pod.namespace";
    /** Label carrying the pod uid. */
    public static final String K8S_POD_UID_LABEL = "io.kubernetes.pod.uid";

    public ContainerInfo {
        requireNonNull(id, "id is null");
        requireNonNull(fullId, "fullId is null");
        requireNonNull(runtime, "runtime is null");
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        requireNonNull(imageId, "imageId is null");
        requireNonNull(imageRepository, "imageRepository is null");
        requireNonNull(imageTag, "imageTag is null");
        requireNonNull(imageDigest, "imageDigest is null");
        requireNonNull(ip, "ip is null");
        requireNonNull(user, "user is null");
        requireNonNull(podSandboxId, "podSandboxId is null");
        mounts = List.copyOf(mounts);
        labels = Map.copyOf(labels);
        podSandboxLabels = Map.copyOf(podSandboxLabels);
        requireNonNull(cniJson, "cniJson is null");
    }

    /** A container without a CNI result: runtimes other than the CRI ones, old container events of captures. */
    public ContainerInfo(String id, String fullId, ContainerRuntime runtime, String name, String image, String imageId,
            String imageRepository, String imageTag, String imageDigest, String ip, String user, boolean privileged,
            boolean hostNetwork, boolean hostPid, boolean hostIpc, boolean isPodSandbox, String podSandboxId,
            List<Mount> mounts, Map<String, String> labels, Map<String, String> podSandboxLabels) {
        this(id, fullId, runtime, name, image, imageId, imageRepository, imageTag, imageDigest, ip, user, privileged,
                hostNetwork, hostPid, hostIpc, isPodSandbox, podSandboxId, mounts, labels, podSandboxLabels, "");
    }

    /** {@return a container known only by id and runtime (no metadata event seen)} */
    public static ContainerInfo bare(String id, ContainerRuntime runtime) {
        return new ContainerInfo(id, "", runtime, "", "", "", "", "", "", "", "", false, false, false, false, false,
                "", List.of(), Map.of(), Map.of());
    }

    /** {@return the Kubernetes pod name ({@code k8s.pod.name}), or null outside Kubernetes} */
    public String podName() {
        return labels.get(K8S_POD_NAME_LABEL);
    }

    /** {@return the Kubernetes namespace ({@code k8s.ns.name}), or null outside Kubernetes} */
    public String podNamespace() {
        return labels.get(K8S_POD_NAMESPACE_LABEL);
    }

    /** {@return the Kubernetes pod uid ({@code k8s.pod.uid}), or null outside Kubernetes} */
    public String podUid() {
        return labels.get(K8S_POD_UID_LABEL);
    }

    /**
     * One mount of a container.
     *
     * @param source host path
     * @param destination path inside the container
     * @param mode mount mode string
     * @param readWrite whether it is writable
     * @param propagation mount propagation
     */
    public record Mount(String source, String destination, String mode, boolean readWrite, String propagation) {
        public Mount {
            requireNonNull(source, "source is null");
            requireNonNull(destination, "destination is null");
            requireNonNull(mode, "mode is null");
            requireNonNull(propagation, "propagation is null");
        }
    }
}
