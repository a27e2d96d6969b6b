/**
 * Conversion of old event layouts to the current ones, as libscap's savefile converter does:
 * {@link dev.peregrine.capture.convert.EventConverter} turns each event of an old capture into the event the current
 * driver would have produced (or drops it), so that current rules match old captures.
 */
package dev.peregrine.capture.convert;
