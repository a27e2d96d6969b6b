package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/** Rule priorities, most severe first (Falco {@code falco_common::priority_type}). */
public enum Priority {
    EMERGENCY("Emergency"),
    ALERT("Alert"),
    CRITICAL("Critical"),
    ERROR("Error"),
    WARNING("Warning"),
    NOTICE("Notice"),
    INFORMATIONAL("Informational"),
    DEBUG("Debug");

    private final String falcoName;

    Priority(String falcoName) {
        this.falcoName = requireNonNull(falcoName, "falcoName is null");
    }

    /** {@return the name Falco prints, e.g. {@code Informational}} */
    public String falcoName() {
        return falcoName;
    }

    /**
     * Parses a priority case-insensitively; {@code info} is accepted for {@link #INFORMATIONAL}, as Falco does for
     * legacy rules.
     */
    public static Optional<Priority> parse(String text) {
        requireNonNull(text, "text is null");
        String lower = text.toLowerCase(Locale.ROOT);
        for (Priority p : values()) {
            if (p.falcoName.toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(p);
            }
        }
        return lower.equals("info") ? Optional.of(INFORMATIONAL) : Optional.empty();
    }

    /** {@return whether this priority is at least as severe as {@code minimum}} */
    public boolean atLeast(Priority minimum) {
        return ordinal() <= minimum.ordinal();
    }
}
