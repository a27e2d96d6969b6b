package dev.peregrine.rules.compile;

import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ValueFormat;
import dev.peregrine.rules.fields.Values;

/**
 * The evaluator node kinds a condition compiles to. Boolean nodes hold arrays and short-circuit; field checks
 * read one cached slot and apply a per-value test prepared at compile time (parsed constants, hash sets, tries,
 * compiled patterns), so evaluating an event walks no AST and allocates nothing.
 */
final class Checks {
    /* Implementation notes: a check is false when its field has no value (libsinsp compare_nocache returns false
     * when extract fails), whatever the operator, so "!=" on a missing field is false too. A non-list field that
     * nevertheless yields several values (fields such as proc.aname or fd.ip whose libsinsp check compares
     * against several candidates) matches when any value passes, except "!=" on the socket fields that compare
     * both ends (fd.ip, fd.port, fd.proto, fd.net), where libsinsp wants both ends to differ. A list field under "in" needs every value in
     * the set (an empty list passes) and under "intersects" at least one. */

    private Checks() {
    }

    @FunctionalInterface
    interface StrTest {
        boolean test(String s);
    }

    @FunctionalInterface
    interface LongTest {
        boolean test(long v);
    }

    @FunctionalInterface
    interface BytesTest {
        boolean test(byte[] b);
    }

    static final class And implements CompiledCondition {
        private final CompiledCondition[] children;
        private final int memo;

        /** @param memo the id under which generated code may remember the result per event, or -1 */
        And(CompiledCondition[] children, int memo) {
            this.children = children;
            this.memo = memo;
        }

        CompiledCondition[] children() {
            return children;
        }

        int memo() {
            return memo;
        }

        @Override
        public boolean matches(EvalContext ctx) {
            for (CompiledCondition c : children) {
                if (!c.matches(ctx)) {
                    return false;
                }
            }
            return true;
        }
    }

    static final class Or implements CompiledCondition {
        private final CompiledCondition[] children;
        private final int memo;

        /** @param memo the id under which generated code may remember the result per event, or -1 */
        Or(CompiledCondition[] children, int memo) {
            this.children = children;
            this.memo = memo;
        }

        CompiledCondition[] children() {
            return children;
        }

        int memo() {
            return memo;
        }

        @Override
        public boolean matches(EvalContext ctx) {
            for (CompiledCondition c : children) {
                if (c.matches(ctx)) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Not implements CompiledCondition {
        private final CompiledCondition child;

        Not(CompiledCondition child) {
            this.child = child;
        }

        CompiledCondition child() {
            return child;
        }

        @Override
        public boolean matches(EvalContext ctx) {
            return !child.matches(ctx);
        }
    }

    static final class Exists implements CompiledCondition {
        private final int slot;

        Exists(int slot) {
            this.slot = slot;
        }

        int slot() {
            return slot;
        }

        @Override
        public boolean matches(EvalContext ctx) {
            return ctx.values(slot) != null;
        }
    }

    /** How a per-value test is applied to an extraction. */
    enum Mode {
        /** Single-valued field or {@code intersects}: some value passes (none when empty). */
        ANY,
        /** List field under {@code in}: every value passes (true when empty). */
        ALL,
        /**
         * Every value passes and there is at least one: {@code !=} on libsinsp's two-sided socket fields
         * ({@code fd.ip}, {@code fd.port}, {@code fd.proto}, {@code fd.net}), true when neither end matches.
         */
        ALL_NON_EMPTY
    }

    static final class StrCheck implements CompiledCondition {
        private final int slot;
        private final StrTest test;
        private final boolean all;
        private final boolean emptyResult;

        StrCheck(int slot, StrTest test, Mode mode) {
            this.slot = slot;
            this.test = test;
            this.all = mode != Mode.ANY;
            this.emptyResult = mode == Mode.ALL;
        }

        int slot() {
            return slot;
        }

        StrTest test() {
            return test;
        }

        boolean all() {
            return all;
        }

        boolean emptyResult() {
            return emptyResult;
        }

        @Override
        public boolean matches(EvalContext ctx) {
            return str(ctx.values(slot), test, all, emptyResult);
        }
    }

    /** A string check on extracted values (null: the field has no value); shared by the tree and generated code. */
    static boolean str(Values v, StrTest test, boolean all, boolean emptyResult) {
        if (v == null) {
            return false;
        }
        int n = v.size();
        if (n == 0) {
            return emptyResult;
        }
        for (int i = 0; i < n; i++) {
            String s = v.stringAt(i);
            boolean ok = s != null && test.test(s);
            if (ok != all) {
                return ok;
            }
        }
        return all;
    }

    static final class LongCheck implements CompiledCondition {
        private final int slot;
        private final FieldType type;
        private final LongTest test;
        private final boolean all;
        private final boolean emptyResult;

        LongCheck(int slot, FieldType type, LongTest test, Mode mode) {
            this.slot = slot;
            this.type = type;
            this.test = test;
            this.all = mode != Mode.ANY;
            this.emptyResult = mode == Mode.ALL;
        }

        int slot() {
            return slot;
        }

        FieldType type() {
            return type;
        }

        LongTest test() {
            return test;
        }

        boolean all() {
            return all;
        }

        boolean emptyResult() {
            return emptyResult;
        }

        @Override
        public boolean matches(EvalContext ctx) {
            return lng(ctx.values(slot), type, test, all, emptyResult);
        }
    }

    /** A numeric check on extracted values (null: the field has no value); shared by the tree and generated code. */
    static boolean lng(Values v, FieldType type, LongTest test, boolean all, boolean emptyResult) {
        if (v == null) {
            return false;
        }
        int n = v.size();
        if (n == 0) {
            return emptyResult;
        }
        for (int i = 0; i < n; i++) {
            boolean ok = test.test(ValueFormat.narrow(type, v.longAt(i)));
            if (ok != all) {
                return ok;
            }
        }
        return all;
    }

    static final class BytesCheck implements CompiledCondition {
        private final int slot;
        private final BytesTest test;
        private final boolean all;
        private final boolean emptyResult;

        BytesCheck(int slot, BytesTest test, Mode mode) {
            this.slot = slot;
            this.test = test;
            this.all = mode != Mode.ANY;
            this.emptyResult = mode == Mode.ALL;
        }

        int slot() {
            return slot;
        }

        BytesTest test() {
            return test;
        }

        boolean all() {
            return all;
        }

        boolean emptyResult() {
            return emptyResult;
        }

        @Override
        public boolean matches(EvalContext ctx) {
            return bytes(ctx.values(slot), test, all, emptyResult);
        }
    }

    /** A byte-buffer check on extracted values (null: no value); shared by the tree and generated code. */
    static boolean bytes(Values v, BytesTest test, boolean all, boolean emptyResult) {
        if (v == null) {
            return false;
        }
        int n = v.size();
        if (n == 0) {
            return emptyResult;
        }
        for (int i = 0; i < n; i++) {
            byte[] b = v.bytesAt(i);
            boolean ok = b != null && test.test(b);
            if (ok != all) {
                return ok;
            }
        }
        return all;
    }
}
