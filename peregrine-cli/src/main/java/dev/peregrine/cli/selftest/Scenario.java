package dev.peregrine.cli.selftest;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A safe, reversible action that must raise one rule's alert.
 *
 * @param rule the rule the action triggers
 * @param action what the action does, in words, for the report
 * @param act performs the action once (the runner repeats it until the alert arrives or time runs out)
 * @param cleanup undoes what {@code act} left behind; runs once, also when the alert never came
 * @param keyFields output fields the report shows for the alert (those that prove it is about the action)
 * @param skipReason why the scenario cannot run here (a missing tool or feature), or null when it can
 * @param mustContain text the alert's output must contain to count (when the rule could also fire on a side effect
 *     of the action), or null for any alert of the rule
 */
public record Scenario(String rule, String action, Step act, Step cleanup, List<String> keyFields,
        String skipReason, String mustContain) {
    public Scenario {
        requireNonNull(rule, "rule is null");
        requireNonNull(action, "action is null");
        requireNonNull(act, "act is null");
        requireNonNull(cleanup, "cleanup is null");
        keyFields = List.copyOf(keyFields);
    }

    /** One step of a scenario; may fail with any exception, which the report shows. */
    @FunctionalInterface
    public interface Step {
        void run() throws Throwable;

        /** A step that does nothing. */
        static Step none() {
            return () -> { };
        }
    }

    /** {@return this scenario, marked as not runnable for {@code reason}} */
    public Scenario skipped(String reason) {
        return new Scenario(rule, action, act, cleanup, keyFields, requireNonNull(reason, "reason is null"),
                mustContain);
    }

    /** {@return this scenario skipped for {@code reason}, or unchanged when {@code reason} is null} */
    public Scenario withSkip(String reason) {
        return reason == null ? this : skipped(reason);
    }

    /** {@return this scenario, counting only alerts whose output contains {@code text}} */
    public Scenario requiring(String text) {
        return new Scenario(rule, action, act, cleanup, keyFields, skipReason, requireNonNull(text, "text is null"));
    }
}
