package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/** A problem that stops reading or compiling the current file (Falco {@code rule_load_exception}); internal only. */
final class RuleLoadException extends Exception {
    private final LoadCode code;
    private final transient Context context;

    RuleLoadException(LoadCode code, String message, Context context) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.code = requireNonNull(code, "code is null");
        this.context = requireNonNull(context, "context is null");
    }

    LoadCode code() {
        return code;
    }

    Context context() {
        return context;
    }
}
