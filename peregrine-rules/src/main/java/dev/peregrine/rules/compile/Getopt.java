package dev.peregrine.rules.compile;

import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.Values;
import dev.peregrine.rules.syntax.Pos;
import java.util.List;

/**
 * The {@code getopt(args, optstring)} transformer (libsinsp {@code sinsp_filter_multivalue_transformer_getopt}):
 * scans an argument list POSIX-getopt style. Without a selector it yields {@code [opt, value?]...} with {@code ?}
 * for unknown options; with a selector {@code getopt(...)[o]} it yields the value of option {@code o} (or its
 * name when it takes no value, or an empty string when its value is missing), and no value when absent.
 */
final class Getopt {
    /* Implementation notes: scanning stops at "--", at the first non-option word, and skips "--long" words, as
     * libsinsp does. The optstring is parsed per event when it is not a constant (rare). */

    private Getopt() {
    }

    private record OptInfo(boolean[] valid, boolean[] withArg) {
        static OptInfo parse(String optstring) {
            boolean[] valid = new boolean[256];
            boolean[] withArg = new boolean[256];
            int i = !optstring.isEmpty() && optstring.charAt(0) == ':' ? 1 : 0;
            for (; i < optstring.length(); i++) {
                char c = optstring.charAt(i);
                if (c == ':' || c > 255) {
                    continue;
                }
                valid[c] = true;
                if (i + 1 < optstring.length() && optstring.charAt(i + 1) == ':') {
                    withArg[c] = true;
                    i++;
                }
            }
            return new OptInfo(valid, withArg);
        }
    }

    static CompiledField compile(FieldSlots slots, List<CompiledField> args, String arg, Pos pos)
            throws CompileException {
        if (args.size() != 2) {
            throw FieldCompiler.invalid("getopt() requires exactly 2 arguments: args list and optstring", pos);
        }
        if (!args.get(0).list()) {
            throw FieldCompiler.invalid("getopt() first argument must be a list", pos);
        }
        if (args.get(1).list()) {
            throw FieldCompiler.invalid("getopt() second argument (optstring) must be a single value", pos);
        }
        if (args.get(0).type() != FieldType.CHARBUF || args.get(1).type() != FieldType.CHARBUF) {
            throw FieldCompiler.invalid("getopt() arguments must be strings", pos);
        }
        if (arg != null && arg.length() != 1) {
            throw FieldCompiler.invalid("getopt() field argument must be a single option character", pos);
        }
        int listSlot = args.get(0).slot();
        int optSlot = args.get(1).slot();
        char selector = arg == null ? 0 : arg.charAt(0);
        boolean hasSelector = arg != null;
        String key = "getopt(" + args.get(0).text() + ", " + args.get(1).text() + ")"
                + (hasSelector ? "[" + arg + "]" : "");
        int slot = slots.slotFor(key, (ctx, out) -> {
            Values opt = ctx.values(optSlot);
            if (opt == null || opt.isEmpty()) {
                return false;
            }
            OptInfo info = OptInfo.parse(opt.stringAt(0));
            Values v = ctx.values(listSlot);
            if (v == null) {
                return false;
            }
            return scan(info, v, hasSelector, selector, out);
        });
        return new CompiledField(key, "getopt", FieldType.CHARBUF, !hasSelector, slot, null, false, true);
    }

    private static boolean scan(OptInfo info, Values v, boolean hasSelector, char selector, Values out) {
        String selected = null;
        for (int ai = 0; ai < v.size(); ai++) {
            String a = v.stringAt(ai);
            if (a.equals("--")) {
                break;
            }
            if (a.length() > 2 && a.charAt(0) == '-' && a.charAt(1) == '-') {
                continue;
            }
            if (a.isEmpty() || a.charAt(0) != '-' || a.length() == 1) {
                break;
            }
            for (int i = 1; i < a.length(); i++) {
                char o = a.charAt(i);
                boolean valid = o != ':' && o < 256 && info.valid()[o];
                if (!valid) {
                    if (!hasSelector) {
                        out.addString("?");
                    }
                    continue;
                }
                boolean match = !hasSelector || o == selector;
                boolean needsArg = info.withArg()[o];
                String name = String.valueOf(o);
                if (match && !needsArg) {
                    if (hasSelector) {
                        selected = name;
                    } else {
                        out.addString(name);
                    }
                }
                if (!needsArg) {
                    continue;
                }
                String value;
                if (i + 1 < a.length()) {
                    value = a.substring(i + 1);
                } else if (ai + 1 < v.size()) {
                    value = v.stringAt(++ai);
                } else {
                    if (match) {
                        if (hasSelector) {
                            selected = "";
                        } else {
                            out.addString("");
                        }
                    }
                    break;
                }
                if (match) {
                    if (hasSelector) {
                        selected = value;
                    } else {
                        out.addString(name);
                        out.addString(value);
                    }
                }
                break;
            }
        }
        if (hasSelector) {
            if (selected == null) {
                out.clear();
                return false;
            }
            out.addString(selected);
        }
        return true;
    }
}
