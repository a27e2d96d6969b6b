/**
 * Container metadata from the container runtimes, looked up off the event path: {@link
 * dev.peregrine.state.container.meta.MetadataResolver} (a bounded request queue served by virtual threads) asks
 * Podman's and Docker's REST APIs over their unix sockets ({@link dev.peregrine.state.container.meta.UnixHttp}) and
 * turns their answers into {@link dev.peregrine.state.container.ContainerInfo}s ({@link
 * dev.peregrine.state.container.meta.InspectParser}).
 */
package dev.peregrine.state.container.meta;
