package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

/**
 * The stable codes of rule-loading problems, those of Falco's {@code falco::load_result}: errors
 * ({@code LOAD_ERR_*}, the file is invalid) and warnings (everything else, the file still loads).
 */
public enum LoadCode {
    LOAD_ERR_FILE_READ(true, "File read error", "File read error"),
    LOAD_ERR_YAML_PARSE(true, "YAML parse error", "YAML parse error"),
    LOAD_ERR_YAML_VALIDATE(true, "Error validating internal structure of YAML file",
            "Error validating internal structure of YAML file"),
    LOAD_ERR_COMPILE_CONDITION(true, "Error compiling condition", "Error compiling condition"),
    LOAD_ERR_COMPILE_OUTPUT(true, "Error compiling output", "Error compiling output"),
    LOAD_ERR_VALIDATE(true, "Error validating rule/macro/list/exception objects",
            "Error validating rule/macro/list/exception objects"),
    LOAD_ERR_EXTENSION(true, "Error in extension item", "Error in extension item"),

    LOAD_UNKNOWN_SOURCE(false, "Unknown event source",
            "A rule has a unknown event source. This can occur when reading rules content without having a "
                    + "corresponding plugin loaded, etc. The rule will be silently ignored."),
    LOAD_UNSAFE_NA_CHECK(false, "Unsafe <NA> comparison in condition",
            "Comparing a field value with <NA> is unsafe and can lead to unpredictable behavior of the rule "
                    + "condition. If you need to check for the existence of a field, consider using the 'exists' "
                    + "operator instead."),
    LOAD_NO_EVTTYPE(false, "Condition has no event-type restriction",
            "A rule condition matches too many evt.type values. This has a significant performance penalty. "
                    + "Make the condition more specific by adding an evt.type field or further restricting the "
                    + "number of evt.type values in the condition."),
    LOAD_UNKNOWN_FILTER(false, "Unknown field or event-type in condition or output",
            "A rule condition or output refers to a field or evt.type that does not exist. This is normally an "
                    + "error, but if a rule has a skip-if-unknown-filter property, the error is downgraded to a "
                    + "warning."),
    LOAD_UNUSED_MACRO(false, "Unused macro",
            "A macro is defined in the rules content but is not used by any other macro or rule."),
    LOAD_UNUSED_LIST(false, "Unused list",
            "A list is defined in the rules content but is not used by any other list, macro, or rule."),
    LOAD_UNKNOWN_ITEM(false, "Unknown rules file item",
            "An unknown top-level object is in the rules content. It will be ignored."),
    LOAD_DEPRECATED_ITEM(false, "Used deprecated item",
            "A deprecated item is employed by lists, macros, or rules."),
    LOAD_WARNING_EXTENSION(false, "Warning in extension item", "An extension item has a warning"),
    LOAD_APPEND_NO_VALUES(false, "Overriding/appending with no values",
            "A rule exception is overriding/appending with no values"),
    LOAD_EXCEPTION_NAME_NOT_UNIQUE(false, "Multiple exceptions defined with the same name",
            "A rule is defining multiple exceptions with the same name"),
    LOAD_INVALID_MACRO_NAME(false, "Invalid macro name", "A macro is defined with an invalid name"),
    LOAD_INVALID_LIST_NAME(false, "Invalid list name", "A list is defined with an invalid name"),
    LOAD_COMPILE_CONDITION(false, "Warning in rule condition",
            "A rule condition or output have been parsed with a warning"),
    LOAD_UNKNOWN_KEY(false, "Unknown key in item definition",
            "An item in the rules content contains an unrecognized key. The key will be ignored. This may "
                    + "indicate a typo or a property placed on the wrong item type.");

    /*
     * Implementation notes: Falco's JSON "codedesc" of an error is its short text, not its long description
     * (falco_load_result.cpp's error_desc() returns from the short-text table); for warnings it is the long
     * description. We reproduce both so that `-V` JSON output compares equal.
     */

    private final boolean error;
    private final String text;
    private final String codedesc;

    LoadCode(boolean error, String text, String codedesc) {
        this.error = error;
        this.text = requireNonNull(text, "text is null");
        this.codedesc = requireNonNull(codedesc, "codedesc is null");
    }

    /** {@return whether a problem with this code makes the rules file invalid} */
    public boolean isError() {
        return error;
    }

    /** {@return the short text Falco prints beside the code, e.g. {@code YAML parse error}} */
    public String text() {
        return text;
    }

    /** {@return the {@code codedesc} of Falco's JSON load result} */
    public String codedesc() {
        return codedesc;
    }
}
