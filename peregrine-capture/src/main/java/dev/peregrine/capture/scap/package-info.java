/**
 * The scap capture file engine: {@link dev.peregrine.capture.scap.ScapFileSource} reads {@code .scap} files (plain or
 * gzip) written by sysdig, Falco and libscap, delivering state blocks as {@link dev.peregrine.capture.scap.ScapBlock}
 * records and events through a reusable {@link dev.peregrine.event.EventView}.
 */
package dev.peregrine.capture.scap;
