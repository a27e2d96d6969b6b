package dev.peregrine.rules.syntax;

/** Prints a condition tree back as condition text (libsinsp {@code ast::as_string}). (Contract stub.) */
public final class ExprPrinter {
    private ExprPrinter() {
    }

    public static String print(Expr expr) {
        throw new UnsupportedOperationException("pending");
    }
}
