/**
 * The initial state of a live capture: a scan of the proc file system ({@link dev.peregrine.state.proc.ProcScanner})
 * producing the same thread, descriptor, interface and user records a capture's state blocks carry.
 */
package dev.peregrine.state.proc;
