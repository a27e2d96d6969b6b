package dev.peregrine.rules.syntax;

/**
 * Where a node of a condition starts: a 0-based character index into the condition text and the 1-based line
 * and column (libsinsp {@code pos_info}).
 */
public record Pos(int index, int line, int column) {
    public static final Pos START = new Pos(0, 1, 1);

    public Pos {
        if (index < 0 || line < 1 || column < 1) {
            throw new IllegalArgumentException("bad position " + index + "/" + line + "/" + column);
        }
    }

    /** {@return the position as libsinsp prints it: {@code index N, line L, column C}} */
    @Override
    public String toString() {
        return "index " + index + ", line " + line + ", column " + column;
    }
}
