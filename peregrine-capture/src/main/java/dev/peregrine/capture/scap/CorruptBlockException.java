package dev.peregrine.capture.scap;

/** A block body contradicts its format; {@code position} is the byte within the body where decoding stopped. */
final class CorruptBlockException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int position;

    CorruptBlockException(String message, int position) {
        super(message, null, false, false);
        this.position = position;
    }

    int position() {
        return position;
    }
}
