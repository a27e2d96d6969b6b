package dev.peregrine.rules.load;

import java.util.List;
import java.util.Set;

/** An append or replace request on an existing rule (Falco {@code rule_update_info}); null means "not given". */
final class RuleUpdate {
    Context ctx;
    Context condCtx;
    String name;
    String source = "";
    String cond;
    String output;
    String desc;
    Set<String> tags;
    List<ExceptionInfo> exceptions;
    Priority priority;
    Boolean capture;
    Long captureDuration;
    Boolean enabled;
    Boolean warnEvttypes;
    Boolean skipIfUnknownFilter;

    RuleUpdate(Context ctx) {
        this.ctx = ctx;
        this.condCtx = ctx;
    }

    boolean hasAnyValue() {
        return cond != null || output != null || desc != null || tags != null || exceptions != null
                || priority != null || enabled != null || capture != null || captureDuration != null
                || warnEvttypes != null || skipIfUnknownFilter != null;
    }
}
