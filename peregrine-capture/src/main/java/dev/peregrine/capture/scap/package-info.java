/**
 * The scap capture file engine: {@link dev.peregrine.capture.scap.ScapFileSource} reads {@code .scap} files (plain or
 * gzip) written by sysdig, Falco and libscap, delivering state blocks as {@link dev.peregrine.capture.scap.ScapBlock}
 * records and events through a reusable {@link dev.peregrine.event.EventView}, converted to the current layouts by
 * default; {@link dev.peregrine.capture.scap.ScapFileWriter} writes the current format (and, on request, the older
 * layouts sysdig 0.29.3 reads; see docs/scap-compat.md).
 */
package dev.peregrine.capture.scap;
