package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.compile.CompileException.Kind;
import dev.peregrine.rules.fields.Extractor;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldArgumentException;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldFlag;
import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ResolvedField;
import dev.peregrine.rules.fields.Values;
import dev.peregrine.rules.syntax.Expr;
import dev.peregrine.rules.syntax.Pos;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compiles field references and transformer expressions ({@code proc.name}, {@code proc.aname[2]},
 * {@code tolower(proc.name)}, {@code join(",", proc.args)}, the right-hand {@code val(fd.name)}) to slots of a
 * shared {@link FieldSlots}, checking them as libsinsp's {@code sinsp_extractor_compiler} does. Used by
 * {@link ConditionCompiler} and by output templates.
 */
public final class FieldCompiler {
    /* Implementation notes: transformer semantics follow libsinsp's sinsp_filter_transformer_*.cpp and
     * sinsp_filtercheck_multivalue_transformer.cpp: tolower/toupper/basename keep the string type, b64 decodes
     * (CHARBUF or BYTEBUF, failure = no value), len turns a string/bytebuf into its byte length and a list into
     * its size (UINT64). Constants inside transformers (join's separator, getopt's optstring) become slots with
     * a constant source so that every argument is handled alike. */

    private final FieldCatalog catalog;
    private final ExtractorBinding binding;
    private final FieldSlots slots;

    public FieldCompiler(FieldCatalog catalog, ExtractorBinding binding, FieldSlots slots) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.binding = requireNonNull(binding, "binding is null");
        this.slots = requireNonNull(slots, "slots is null");
    }

    /** {@return the slots field references are numbered in} */
    FieldSlots slots() {
        return slots;
    }

    /** {@return the catalog fields are resolved against} */
    public FieldCatalog catalog() {
        return catalog;
    }

    /**
     * Compiles a {@link Expr.Field} or {@link Expr.Transformer} (including {@code val(...)}).
     *
     * @param forDisplay true for outputs: {@code FILTER_ONLY} fields are rejected
     * @param errorPos where errors are reported (libsinsp reports the enclosing check's position)
     */
    public CompiledField compile(Expr expr, boolean forDisplay, Pos errorPos) throws CompileException {
        return switch (expr) {
            case Expr.Field f -> field(f, forDisplay, errorPos);
            case Expr.Transformer t -> transformer(t, forDisplay, errorPos);
            case Expr.Value v -> constant(List.of(v.value()), false);
            case Expr.ListValue l -> constant(l.values(), true);
            case Expr.TransformerList l -> transformerList(l, forDisplay, errorPos);
            case Expr.And a -> throw invalid("unexpected 'and' expression where a field was expected", errorPos);
            case Expr.Or o -> throw invalid("unexpected 'or' expression where a field was expected", errorPos);
            case Expr.Not n -> throw invalid("unexpected 'not' expression where a field was expected", errorPos);
            case Expr.Identifier i -> throw invalid("filter error: unexpected identifier '" + i.name() + "'",
                    errorPos);
            case Expr.UnaryCheck u -> throw invalid("unexpected check where a field was expected", errorPos);
            case Expr.BinaryCheck b -> throw invalid("unexpected check where a field was expected", errorPos);
        };
    }

    private CompiledField field(Expr.Field f, boolean forDisplay, Pos pos) throws CompileException {
        String written = f.arg() == null ? f.name() : f.name() + "[" + f.arg() + "]";
        Optional<ResolvedField> resolved;
        try {
            resolved = catalog.resolve(f.name(), f.arg());
        } catch (FieldArgumentException e) {
            throw invalid(e.getMessage(), pos);
        }
        if (resolved.isEmpty()) {
            throw new CompileException(Kind.UNKNOWN_FIELD,
                    "filter_check called with nonexistent field " + written, pos);
        }
        ResolvedField rf = resolved.get();
        if (forDisplay && rf.info().has(FieldFlag.FILTER_ONLY)) {
            throw invalid(written + " is filter only and cannot be used as a display field", pos);
        }
        String key = rf.text();
        int slot = slots.slotOf(key);
        if (slot < 0) {
            Extractor extractor = requireNonNull(binding.bind(rf), "binding returned no extractor");
            slot = slots.slotFor(key, (ctx, out) -> extractor.extract(ctx.event(), out));
        }
        return new CompiledField(key, rf.info().name(), rf.info().type(), rf.info().isList(), slot, rf,
                rf.info().has(FieldFlag.NO_RHS), false);
    }

    private CompiledField constant(List<String> values, boolean list) {
        StringBuilder key = new StringBuilder(list ? "(" : "");
        for (int i = 0; i < values.size(); i++) {
            key.append(i > 0 ? ", " : "").append(quote(values.get(i)));
        }
        if (list) {
            key.append(')');
        }
        List<String> copy = List.copyOf(values);
        int slot = slots.slotFor(key.toString(), (ctx, out) -> {
            for (String s : copy) {
                out.addString(s);
            }
            return true;
        });
        return new CompiledField(key.toString(), list ? "list" : "rawstring", FieldType.CHARBUF, list, slot, null,
                false, false);
    }

    private CompiledField transformerList(Expr.TransformerList l, boolean forDisplay, Pos pos)
            throws CompileException {
        if (l.children().isEmpty()) {
            throw invalid("filter error: unexpected empty transformer list element", pos);
        }
        List<CompiledField> parts = new ArrayList<>();
        for (Expr c : l.children()) {
            parts.add(compile(c, forDisplay, pos));
        }
        StringBuilder key = new StringBuilder("(");
        for (int i = 0; i < parts.size(); i++) {
            key.append(i > 0 ? ", " : "").append(parts.get(i).text());
        }
        key.append(')');
        int[] partSlots = parts.stream().mapToInt(CompiledField::slot).toArray();
        int slot = slots.slotFor(key.toString(), (ctx, out) -> {
            for (int s : partSlots) {
                Values v = ctx.values(s);
                if (v == null) {
                    return false;
                }
                for (int i = 0; i < v.size(); i++) {
                    out.addString(v.stringAt(i));
                }
            }
            return true;
        });
        return new CompiledField(key.toString(), "list", FieldType.CHARBUF, true, slot, null, false, false);
    }

    private CompiledField transformer(Expr.Transformer t, boolean forDisplay, Pos pos) throws CompileException {
        String name = t.name();
        if (name.equals("val")) {
            if (t.arg() != null) {
                throw invalid("filter error: transformer 'val' does not support field arguments", pos);
            }
            if (t.args().size() != 1) {
                throw invalid("filter error: transformer 'val' requires exactly one argument", pos);
            }
            return compile(t.args().getFirst(), forDisplay, pos);
        }
        List<CompiledField> args = new ArrayList<>();
        for (Expr a : t.args()) {
            args.add(compile(a, forDisplay, pos));
        }
        if (args.isEmpty()) {
            throw invalid("filter error: found null child node on '" + name + "' transformer", pos);
        }
        if (args.size() == 1 && !isMultiValue(name)) {
            if (t.arg() != null) {
                throw invalid("filter error: transformer '" + name + "' does not support field arguments", pos);
            }
            return single(name, args.getFirst(), pos);
        }
        return switch (name) {
            case "join" -> join(args, t.arg(), pos);
            case "concat" -> concat(args, t.arg(), pos);
            case "getopt" -> Getopt.compile(slots, args, t.arg(), pos);
            default -> throw invalid(isSingle(name) ? "unknown multivalue transformer"
                    : "filter error: unknown transformer '" + name + "'", pos);
        };
    }

    private static boolean isMultiValue(String name) {
        return name.equals("join") || name.equals("concat") || name.equals("getopt");
    }

    private static boolean isSingle(String name) {
        return switch (name) {
            case "tolower", "toupper", "b64", "basename", "len" -> true;
            default -> false;
        };
    }

    private CompiledField single(String name, CompiledField in, Pos pos) throws CompileException {
        if (!isSingle(name)) {
            if (isMultiValue(name)) {
                throw invalid("unknown multivalue transformer", pos);
            }
            throw invalid("filter error: unknown transformer '" + name + "'", pos);
        }
        if (in.field() != null && in.field().info().has(FieldFlag.NO_TRANSFORMER)) {
            throw invalid("field '" + in.name() + "' does not support transformers", pos);
        }
        FieldType t = in.type();
        boolean str = t == FieldType.CHARBUF || t == FieldType.FSPATH || t == FieldType.FSRELPATH;
        FieldType out;
        boolean outList = in.list();
        switch (name) {
            case "tolower", "toupper", "basename" -> out = str ? t : null;
            case "b64" -> out = t == FieldType.CHARBUF || t == FieldType.BYTEBUF ? t : null;
            default -> {
                if (in.list()) {
                    out = FieldType.UINT64;
                    outList = false;
                } else {
                    out = str || t == FieldType.BYTEBUF ? FieldType.UINT64 : null;
                }
            }
        }
        if (out == null) {
            throw invalid("can't add field transformer: type '" + t.displayName() + "' is not supported by '" + name
                    + "' transformer applied on " + (in.list() ? "list " : "") + "field '" + in.name() + "'", pos);
        }
        String key = name + "(" + in.text() + ")";
        int inSlot = in.slot();
        boolean inList = in.list();
        SlotSource source = switch (name) {
            case "tolower" -> (ctx, o) -> mapStrings(ctx.values(inSlot), o, TextOps::toLowerAscii);
            case "toupper" -> (ctx, o) -> mapStrings(ctx.values(inSlot), o, TextOps::toUpperAscii);
            case "basename" -> (ctx, o) -> mapStrings(ctx.values(inSlot), o, TextOps::basename);
            case "b64" -> t == FieldType.BYTEBUF ? (ctx, o) -> b64Bytes(ctx.values(inSlot), o)
                    : (ctx, o) -> b64Strings(ctx.values(inSlot), o);
            default -> inList ? (ctx, o) -> {
                Values v = ctx.values(inSlot);
                if (v == null) {
                    return false;
                }
                o.addLong(v.size());
                return true;
            } : t == FieldType.BYTEBUF ? (ctx, o) -> {
                Values v = ctx.values(inSlot);
                if (v == null || v.isEmpty()) {
                    return false;
                }
                byte[] b = v.bytesAt(0);
                o.addLong(b == null ? 0 : b.length);
                return true;
            } : (ctx, o) -> {
                Values v = ctx.values(inSlot);
                if (v == null || v.isEmpty()) {
                    return false;
                }
                o.addLong(TextOps.utf8LengthToNul(v.stringAt(0)));
                return true;
            };
        };
        int slot = slots.slotFor(key, source);
        return new CompiledField(key, in.name(), out, outList, slot, in.field(), in.noRhs(), true);
    }

    private static boolean mapStrings(Values in, Values out, java.util.function.UnaryOperator<String> f) {
        if (in == null) {
            return false;
        }
        for (int i = 0; i < in.size(); i++) {
            String s = in.stringAt(i);
            out.addString(s == null ? "" : f.apply(s));
        }
        return true;
    }

    private static boolean b64Strings(Values in, Values out) {
        if (in == null) {
            return false;
        }
        for (int i = 0; i < in.size(); i++) {
            byte[] d = TextOps.base64Decode(in.stringAt(i));
            if (d == null) {
                return false;
            }
            out.addString(new String(d, java.nio.charset.StandardCharsets.UTF_8));
        }
        return true;
    }

    private static boolean b64Bytes(Values in, Values out) {
        if (in == null) {
            return false;
        }
        for (int i = 0; i < in.size(); i++) {
            byte[] b = in.bytesAt(i);
            byte[] d = TextOps.base64Decode(
                    b == null ? "" : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
            if (d == null) {
                return false;
            }
            out.addBytes(d);
        }
        return true;
    }

    private CompiledField join(List<CompiledField> args, String arg, Pos pos) throws CompileException {
        if (args.size() != 2) {
            throw invalid("join() requires exactly 2 arguments: separator and list", pos);
        }
        if (args.get(0).list()) {
            throw invalid("join() first argument (separator) must be a single value, not a list", pos);
        }
        if (!args.get(1).list()) {
            throw invalid("join() second argument must be a list", pos);
        }
        if (arg != null) {
            throw invalid("transformer 'join' does not support field arguments", pos);
        }
        int sepSlot = args.get(0).slot();
        int listSlot = args.get(1).slot();
        FieldType sepType = args.get(0).type();
        FieldType listType = args.get(1).type();
        String key = "join(" + args.get(0).text() + ", " + args.get(1).text() + ")";
        int slot = slots.slotFor(key, (ctx, out) -> {
            Values sep = ctx.values(sepSlot);
            if (sep == null || sep.isEmpty()) {
                return false;
            }
            Values l = ctx.values(listSlot);
            if (l == null) {
                return false;
            }
            String s = dev.peregrine.rules.fields.ValueFormat.toText(sepType, sep, 0);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(s);
                }
                sb.append(dev.peregrine.rules.fields.ValueFormat.toText(listType, l, i));
            }
            out.addString(sb.toString());
            return true;
        });
        return new CompiledField(key, "join", FieldType.CHARBUF, false, slot, null, false, true);
    }

    private CompiledField concat(List<CompiledField> args, String arg, Pos pos) throws CompileException {
        if (args.size() < 2) {
            throw invalid("concat() requires at least 2 arguments", pos);
        }
        for (CompiledField a : args) {
            if (a.type() != FieldType.CHARBUF || a.list()) {
                throw invalid("concat() arguments must be strings", pos);
            }
        }
        if (arg != null) {
            throw invalid("transformer 'concat' does not support field arguments", pos);
        }
        int[] argSlots = args.stream().mapToInt(CompiledField::slot).toArray();
        StringBuilder key = new StringBuilder("concat(");
        for (int i = 0; i < args.size(); i++) {
            key.append(i > 0 ? ", " : "").append(args.get(i).text());
        }
        key.append(')');
        int slot = slots.slotFor(key.toString(), (ctx, out) -> {
            StringBuilder sb = new StringBuilder();
            for (int s : argSlots) {
                Values v = ctx.values(s);
                if (v == null || v.isEmpty()) {
                    return false;
                }
                sb.append(v.stringAt(0));
            }
            out.addString(sb.toString());
            return true;
        });
        return new CompiledField(key.toString(), "concat", FieldType.CHARBUF, false, slot, null, false, true);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    static CompileException invalid(String message, Pos pos) {
        return new CompileException(Kind.INVALID, message, pos);
    }
}
