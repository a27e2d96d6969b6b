package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/** The kinds of rules-file items a problem location can point at (Falco {@code rule_loader::context::item_type}). */
public enum ItemType {
    VALUE_FOR("value for"),
    EXCEPTIONS("exceptions"),
    EXCEPTION("exception"),
    EXCEPTION_VALUES("exception values"),
    EXCEPTION_VALUE("exception value"),
    RULES_CONTENT("rules content"),
    RULES_CONTENT_ITEM("rules content item"),
    REQUIRED_ENGINE_VERSION("required_engine_version"),
    REQUIRED_PLUGIN_VERSIONS("required plugin versions"),
    REQUIRED_PLUGIN_VERSIONS_ENTRY("required plugin versions entry"),
    REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE("required plugin versions alternative"),
    LIST("list"),
    LIST_ITEM("list item"),
    MACRO("macro"),
    MACRO_CONDITION("macro condition"),
    RULE("rule"),
    RULE_CONDITION("rule condition"),
    CONDITION_EXPRESSION("condition expression"),
    RULE_OUTPUT("rule output"),
    RULE_OUTPUT_EXPRESSION("rule output expression"),
    RULE_PRIORITY("rule priority"),
    OVERRIDE("overrides"),
    EXTENSION_ITEM("extension item");

    private final String text;

    ItemType(String text) {
        this.text = requireNonNull(text, "text is null");
    }

    /** {@return the name Falco prints, e.g. {@code rules content item}} */
    public String text() {
        return text;
    }
}
