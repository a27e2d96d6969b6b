/**
 * The state engine: what libsinsp knows about the system while events flow (threads, file descriptors, users,
 * containers), rebuilt from a capture's state blocks and updated by each event. {@link dev.peregrine.state.StateEngine}
 * is the facade; the tables live in the subpackages.
 */
package dev.peregrine.state;
