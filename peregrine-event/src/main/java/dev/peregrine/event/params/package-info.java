/**
 * Decoding and rendering of event parameters as libsinsp does: socket addresses and tuples, fd lists, flags and
 * enums by name, and the text of {@code evt.arg.NAME} and {@code evt.args}.
 */
package dev.peregrine.event.params;
