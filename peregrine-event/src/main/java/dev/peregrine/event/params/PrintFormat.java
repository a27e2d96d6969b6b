package dev.peregrine.event.params;

/** How a numeric parameter prints ({@code enum ppm_print_format}); declaration order is the driver's numbering. */
public enum PrintFormat {
    /** No format given: numbers print in decimal. */
    PF_NA,
    /** Decimal ({@code %d}, signed as libsinsp prints even unsigned values). */
    PF_DEC,
    /** Upper-case hexadecimal without prefix ({@code %X}). */
    PF_HEX,
    /** Decimal zero-padded to nine digits ({@code %09d}). */
    PF_10_PADDED_DEC,
    /** An id: prints in decimal. */
    PF_ID,
    /** A direction: prints in decimal. */
    PF_DIR,
    /** Octal with a leading 0 ({@code %#o}). */
    PF_OCT
}
