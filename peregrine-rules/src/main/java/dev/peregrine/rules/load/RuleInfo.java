package dev.peregrine.rules.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A collected {@code rule} definition (Falco {@code rule_info}); mutable while collecting. */
final class RuleInfo {
    Context ctx;
    Context condCtx;
    Context outputCtx;
    int index;
    int visibility;
    boolean unknownSource;
    String name;
    String cond = "";
    String source = "";
    String desc = "";
    String output = "";
    Set<String> tags = new TreeSet<>();
    List<ExceptionInfo> exceptions = new ArrayList<>();
    Priority priority = Priority.DEBUG;
    boolean capture;
    long captureDuration;
    boolean enabled = true;
    boolean warnEvttypes = true;
    boolean skipIfUnknownFilter;
    /** The file that defined the rule last. */
    String file = "";

    RuleInfo(Context ctx) {
        this.ctx = ctx;
        this.condCtx = ctx;
        this.outputCtx = ctx;
    }
}
