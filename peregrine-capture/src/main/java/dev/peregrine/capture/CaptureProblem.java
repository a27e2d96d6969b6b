package dev.peregrine.capture;

import static java.util.Objects.requireNonNull;

/**
 * Why a capture stream ended early: damage at a known place in the input.
 *
 * <p>Offsets count bytes of the scap stream, that is after gunzip for compressed files, from the start of the file.
 *
 * @param kind the class of damage
 * @param source the file or stream name, as the user gave it
 * @param offset where the damage was detected
 * @param blockOffset where the block holding the damage starts (-1 when no block was being read)
 * @param blockType the raw block type code (-1 when unknown)
 * @param blockName a readable name of the block type ({@code "EV_V2"}, {@code "PL_V9"}, {@code "unknown"})
 * @param message what is wrong, one sentence
 */
public record CaptureProblem(
        Kind kind, String source, long offset, long blockOffset, int blockType, String blockName, String message) {

    /** The class of damage; it decides nothing for the caller except wording and exit codes. */
    public enum Kind {
        /** The input ends in the middle of a block or event. */
        TRUNCATED,
        /** The bytes contradict the format (lengths, magic, trailers, counts). */
        CORRUPT,
        /** Well-formed, but a version Peregrine does not read (major version above 1, byte-swapped section). */
        UNSUPPORTED,
        /** The operating system or the decompressor failed to deliver bytes. */
        IO_ERROR
    }

    public CaptureProblem {
        requireNonNull(kind, "kind is null");
        requireNonNull(source, "source is null");
        requireNonNull(blockName, "blockName is null");
        requireNonNull(message, "message is null");
    }

    /** {@return the problem as one line for users, e.g. {@code x.scap: byte 1234 (block EV_V2 at byte 1200): ...}} */
    public String render() {
        String where = blockOffset < 0
                ? "byte " + offset
                : "byte " + offset + " (block " + blockName + " at byte " + blockOffset + ")";
        return source + ": " + where + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ": " + message;
    }
}
