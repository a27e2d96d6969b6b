package dev.peregrine.rules.compile;

import dev.peregrine.rules.fields.FieldType;

/** A comparison operator and its optional modifier, as libsinsp's {@code cmpop} and {@code cmpop_mod}. */
record Operator(Op op, Mod mod) {
    enum Op {
        EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), CONTAINS("contains"), ICONTAINS("icontains"),
        BCONTAINS("bcontains"), STARTSWITH("startswith"), BSTARTSWITH("bstartswith"), ENDSWITH("endswith"),
        IN("in"), INTERSECTS("intersects"), PMATCH("pmatch"), EXISTS("exists"), GLOB("glob"), IGLOB("iglob"),
        REGEX("regex");

        /** The operator as libsinsp's {@code cmpop_to_str} prints it in messages. */
        final String text;

        Op(String text) {
            this.text = text;
        }
    }

    enum Mod { NONE, ONEOF, ANYOF, ALLOF }

    /** {@return the operator for text such as {@code "startswith oneof"}, or null when unknown} */
    static Operator parse(String text) {
        String t = text.strip();
        int sp = t.indexOf(' ');
        String base = sp < 0 ? t : t.substring(0, sp);
        Mod mod = Mod.NONE;
        if (sp >= 0) {
            mod = switch (t.substring(sp + 1).strip()) {
                case "oneof" -> Mod.ONEOF;
                case "anyof" -> Mod.ANYOF;
                case "allof" -> Mod.ALLOF;
                default -> null;
            };
            if (mod == null) {
                return null;
            }
        }
        Op op = switch (base) {
            case "=", "==" -> Op.EQ;
            case "!=" -> Op.NE;
            case "<" -> Op.LT;
            case "<=" -> Op.LE;
            case ">" -> Op.GT;
            case ">=" -> Op.GE;
            case "contains" -> Op.CONTAINS;
            case "icontains" -> Op.ICONTAINS;
            case "bcontains" -> Op.BCONTAINS;
            case "startswith" -> Op.STARTSWITH;
            case "bstartswith" -> Op.BSTARTSWITH;
            case "endswith" -> Op.ENDSWITH;
            case "in" -> Op.IN;
            case "intersects" -> Op.INTERSECTS;
            case "pmatch" -> Op.PMATCH;
            case "exists" -> Op.EXISTS;
            case "glob" -> Op.GLOB;
            case "iglob" -> Op.IGLOB;
            case "regex" -> Op.REGEX;
            default -> null;
        };
        return op == null ? null : new Operator(op, mod);
    }

    /** How values of a field type are compared. */
    enum Category { NUMERIC, BOOL, STRING, BUFFER, IP, NET, OTHER }

    static Category category(FieldType t) {
        return switch (t) {
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, ERRNO, FD, PID, SYSCALLID, SIGTYPE,
                 RELTIME, ABSTIME, PORT, FLAGS8, FLAGS16, FLAGS32, DOUBLE, MODE, ENUMFLAGS8, ENUMFLAGS16,
                 ENUMFLAGS32 -> Category.NUMERIC;
            case BOOL -> Category.BOOL;
            case CHARBUF, FSPATH, FSRELPATH -> Category.STRING;
            case BYTEBUF -> Category.BUFFER;
            case IPV4ADDR, IPV6ADDR, IPADDR -> Category.IP;
            case IPV4NET, IPV6NET, IPNET -> Category.NET;
            default -> Category.OTHER;
        };
    }

    /** {@return null when the operator applies to the field, else libsinsp's {@code flt_is_comparable} message} */
    String incompatibility(FieldType t, boolean list) {
        if (op == Op.EXISTS) {
            return null;
        }
        if (list) {
            return switch (t) {
                case CHARBUF, UINT64, RELTIME, ABSTIME, BOOL, IPADDR, IPNET ->
                        op == Op.IN || op == Op.INTERSECTS ? null
                                : "'" + op.text + "' operator not supported list filters";
                default -> "list filters are not supported for type '" + t.displayName() + "'";
            };
        }
        return switch (category(t)) {
            case NUMERIC -> numericOps() ? null : "'" + op.text + "' operator not supported for numeric filters";
            case BOOL -> switch (op) {
                case EQ, NE, IN, INTERSECTS -> null;
                default -> "'" + op.text + "' operator not supported for numeric filters";
            };
            case IP, NET -> {
                boolean ok = switch (op) {
                    case EQ, NE, IN, INTERSECTS -> true;
                    default -> false;
                };
                if (!ok && mod != Mod.NONE) {
                    yield "'" + op.text + "' with modifier not supported for ip address and network filters";
                }
                yield ok ? null : "'" + op.text + "' operator not supported for ip address and network filters";
            }
            case STRING -> switch (op) {
                case BCONTAINS, BSTARTSWITH -> "'" + op.text + "' operator not supported for string filters";
                default -> null;
            };
            case BUFFER -> switch (op) {
                case EQ, NE, CONTAINS, IN, STARTSWITH, ENDSWITH, INTERSECTS, BCONTAINS, BSTARTSWITH -> null;
                default -> "'" + op.text + "' operator not supported for buffer filters";
            };
            case OTHER -> "'" + op.text + "' operator not supported for type '" + t.displayName() + "'";
        };
    }

    private boolean numericOps() {
        return switch (op) {
            case EQ, NE, LT, LE, GT, GE, IN, INTERSECTS -> true;
            default -> false;
        };
    }
}
