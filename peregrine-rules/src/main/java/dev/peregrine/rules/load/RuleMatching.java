package dev.peregrine.rules.load;

/** Falco's {@code rule_matching}: stop at the first matching rule, or report every matching rule. */
public enum RuleMatching {
    FIRST,
    ALL
}
