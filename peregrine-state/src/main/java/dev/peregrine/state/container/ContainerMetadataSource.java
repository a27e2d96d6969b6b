package dev.peregrine.state.container;

/**
 * Where the state engine gets container metadata while events flow (live): it {@linkplain #request asks} for each
 * container id it sees for the first time and {@linkplain #poll collects} what was resolved before each event.
 *
 * <p>Both calls run on the event thread and must return at once: an implementation looks containers up elsewhere
 * (see {@link dev.peregrine.state.container.meta.MetadataResolver}).
 */
public interface ContainerMetadataSource {
    /**
     * Asks for the metadata of a container, never blocking: when it is first seen, and again when a new process of
     * it appears while its metadata is still unknown (an implementation ignores ids it is already looking up and
     * may back off after a failed lookup). A request that cannot be queued is dropped.
     */
    void request(String id, ContainerRuntime runtime);

    /** {@return the next container whose metadata was resolved, or null when none is waiting; never blocks} */
    ContainerInfo poll();

    /** The container exited: its cached answers may go, and a later sighting of the id asks again. */
    void forget(String id);
}
