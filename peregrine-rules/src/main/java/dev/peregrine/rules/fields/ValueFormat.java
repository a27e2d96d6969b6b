package dev.peregrine.rules.fields;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns extracted field values into text and JSON values the way libsinsp prints them
 * ({@code sinsp_filter_check::rawval_to_string} and {@code rawval_to_json}): numbers in decimal (unsigned types
 * unsigned, narrowed to their width), booleans {@code true}/{@code false}, IPv4 dotted, IPv6 as {@code inet_ntop}
 * (compressed, IPv4-mapped shown as {@code ::ffff:a.b.c.d}), {@code DOUBLE} with one decimal, networks as
 * {@code <IPNET>}; list fields as {@code (a,b,c)} in text and arrays in JSON.
 */
public final class ValueFormat {
    /* Implementation notes: every renderer takes the field type because Values carries untyped slots; the
     * narrowing mirrors libsinsp's flt_cast so an extractor that stores e.g. a uint16 port sign-extended still
     * prints (and compares) as the unsigned 16-bit number. Fields' print formats are not part of FieldInfo: the
     * few libsinsp fields whose format is not decimal are listed in PRINT_FORMATS (from the field tables of
     * sinsp_filtercheck_{gen_event,event,fd}.cpp) and applied by the name-aware renderers; in JSON they are strings,
     * as rawval_to_json gives them. Every libsinsp DOUBLE field has print format PF_NA, which rawval_to_json keeps as
     * a double. */

    /** A print format other than decimal. */
    private enum PrintFormat {
        /** {@code PF_10_PADDED_DEC}: decimal, zero-padded to nine digits. */
        PADDED_DEC,
        /** {@code PF_HEX}: upper-case hexadecimal of the type's width, no prefix. */
        HEX
    }

    /** Width {@code PF_10_PADDED_DEC} pads to. */
    private static final int PADDED_DIGITS = 9;

    private static final Map<String, PrintFormat> PRINT_FORMATS = Map.of(
            "evt.rawtime.ns", PrintFormat.PADDED_DEC,
            "evt.reltime", PrintFormat.PADDED_DEC,
            "evt.reltime.ns", PrintFormat.PADDED_DEC,
            "evt.latency.ns", PrintFormat.PADDED_DEC,
            "evt.deltatime.ns", PrintFormat.PADDED_DEC,
            "fd.dev", PrintFormat.HEX);

    private ValueFormat() {
    }

    /** {@return {@code raw} narrowed to the width and signedness of {@code type}, as libsinsp reads it} */
    public static long narrow(FieldType type, long raw) {
        return switch (type) {
            case INT8 -> (byte) raw;
            case INT16 -> (short) raw;
            case INT32 -> (int) raw;
            case UINT8, FLAGS8, ENUMFLAGS8, SIGTYPE, L4PROTO -> raw & 0xffL;
            case UINT16, FLAGS16, ENUMFLAGS16, PORT, SYSCALLID -> raw & 0xffffL;
            case UINT32, FLAGS32, ENUMFLAGS32, MODE, UID, GID, BOOL -> raw & 0xffff_ffffL;
            default -> raw;
        };
    }

    /** {@return true when values of {@code type} compare and print as unsigned numbers} */
    public static boolean isUnsigned(FieldType type) {
        return switch (type) {
            case UINT8, UINT16, UINT32, UINT64, FLAGS8, FLAGS16, FLAGS32, ENUMFLAGS8, ENUMFLAGS16, ENUMFLAGS32,
                 SIGTYPE, L4PROTO, PORT, SYSCALLID, MODE, UID, GID, RELTIME, ABSTIME, BOOL, SOCKFAMILY,
                 SIGSET -> true;
            default -> false;
        };
    }

    /** {@return the text of value {@code i} of {@code values}, read as {@code type}} */
    public static String toText(FieldType type, Values values, int i) {
        if (type.isString()) {
            String s = values.stringAt(i);
            return s == null ? "" : s;
        }
        return switch (type) {
            case BOOL -> values.longAt(i) != 0 ? "true" : "false";
            case DOUBLE -> doubleToText(values.doubleAt(i));
            case IPV4ADDR, IPV6ADDR, IPADDR -> ipToText(values.bytesAt(i));
            case IPNET, IPV4NET, IPV6NET -> "<IPNET>";
            case BYTEBUF -> bytesToText(values.bytesAt(i));
            default -> {
                long v = narrow(type, values.longAt(i));
                yield isUnsigned(type) ? Long.toUnsignedString(v) : Long.toString(v);
            }
        };
    }

    /**
     * {@return the text of a whole extraction: the single value, or {@code (a,b)} for a list field (libsinsp
     * {@code tostring})}
     */
    public static String toText(FieldType type, boolean list, Values values) {
        if (!list) {
            return values.isEmpty() ? "" : toText(type, values, 0);
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(toText(type, values, i));
        }
        return sb.append(')').toString();
    }

    /**
     * {@return the text of a whole extraction of the field named {@code fieldName}}: as
     * {@link #toText(FieldType, boolean, Values)}, in the field's libsinsp print format when it is not decimal
     * ({@code evt.rawtime.ns} zero-padded to nine digits, {@code fd.dev} in hexadecimal)
     */
    public static String toText(String fieldName, FieldType type, boolean list, Values values) {
        PrintFormat f = PRINT_FORMATS.get(fieldName);
        if (f == null || list || values.isEmpty() || !type.isNumeric()) {
            return toText(type, list, values);
        }
        long v = narrow(type, values.longAt(0));
        return switch (f) {
            case PADDED_DEC -> {
                String digits = isUnsigned(type) ? Long.toUnsignedString(v) : Long.toString(v);
                yield digits.length() >= PADDED_DIGITS ? digits : "0".repeat(PADDED_DIGITS - digits.length()) + digits;
            }
            case HEX -> (switch (type) {
                case INT8, UINT8 -> Integer.toHexString((int) v & 0xff);
                case INT16, UINT16 -> Integer.toHexString((int) v & 0xffff);
                case INT32, UINT32 -> Integer.toHexString((int) v);
                default -> Long.toHexString(v);
            }).toUpperCase(java.util.Locale.ROOT);
        };
    }

    /**
     * {@return the JSON-ready value of a whole extraction of the field named {@code fieldName}}: as
     * {@link #toJson(FieldType, boolean, Values)}, but a field with a non-decimal print format is its text, as
     * libsinsp's {@code rawval_to_json} gives it
     */
    public static Object toJson(String fieldName, FieldType type, boolean list, Values values) {
        if (PRINT_FORMATS.containsKey(fieldName) && !list && !values.isEmpty() && type.isNumeric()) {
            return toText(fieldName, type, false, values);
        }
        return toJson(type, list, values);
    }

    /**
     * {@return value {@code i} as a JSON-ready Java value: {@link Long} (or a {@link java.math.BigInteger} for
     * unsigned 64-bit values above {@code Long.MAX_VALUE}), {@link Double}... as libsinsp {@code rawval_to_json}}
     */
    public static Object toJson(FieldType type, Values values, int i) {
        if (type.isString()) {
            return toText(type, values, i);
        }
        return switch (type) {
            case BOOL -> values.longAt(i) != 0;
            case DOUBLE -> values.doubleAt(i);
            case IPV4ADDR, IPV6ADDR, IPADDR, IPNET, IPV4NET, IPV6NET, BYTEBUF -> toText(type, values, i);
            default -> {
                long v = narrow(type, values.longAt(i));
                if (isUnsigned(type) && v < 0) {
                    yield new java.math.BigInteger(Long.toUnsignedString(v));
                }
                yield v;
            }
        };
    }

    /** {@return the JSON-ready value of a whole extraction: a single value, or a list for a list field} */
    public static Object toJson(FieldType type, boolean list, Values values) {
        if (!list) {
            return values.isEmpty() ? null : toJson(type, values, 0);
        }
        List<Object> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(toJson(type, values, i));
        }
        return out;
    }

    /** {@return an IPv4 (4 bytes) or IPv6 (16 bytes) address as {@code inet_ntop} prints it} */
    public static String ipToText(byte[] b) {
        if (b == null) {
            return "<NA>";
        }
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        if (b.length != 16) {
            return "<NA>";
        }
        int[] w = new int[8];
        for (int k = 0; k < 8; k++) {
            w[k] = ((b[2 * k] & 0xff) << 8) | (b[2 * k + 1] & 0xff);
        }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, not :: or ::1) are printed dotted
        boolean zero5 = w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0;
        if (zero5 && (w[5] == 0xffff || (w[5] == 0 && (w[6] != 0 || w[7] > 1)))) {
            String v4 = (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
            return w[5] == 0xffff ? "::ffff:" + v4 : "::" + v4;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int k = 0; k < 8; ) {
            if (w[k] == 0) {
                int s = k;
                while (k < 8 && w[k] == 0) {
                    k++;
                }
                if (k - s > bestLen && k - s >= 2) {
                    bestStart = s;
                    bestLen = k - s;
                }
            } else {
                k++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(w[k]));
        }
        return sb.toString();
    }

    /** printf {@code %.1f}: the exact binary value rounded half-even, as glibc does. */
    private static String doubleToText(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = new java.math.BigDecimal(d).setScale(1, java.math.RoundingMode.HALF_EVEN).toPlainString();
        return (d < 0 || (d == 0 && 1 / d < 0)) && !s.startsWith("-") ? "-" + s : s;
    }

    private static String bytesToText(byte[] b) {
        if (b == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.toString();
    }
}
