package dev.peregrine.rules.load;

/** A collected {@code macro} definition (Falco {@code macro_info}); mutable while collecting. */
final class MacroInfo {
    Context ctx;
    Context condCtx;
    int index;
    int visibility;
    String name;
    String cond;

    MacroInfo(Context ctx) {
        this.ctx = ctx;
        this.condCtx = ctx;
    }
}
