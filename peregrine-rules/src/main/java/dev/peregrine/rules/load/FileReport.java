package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects the problems and the inventory of one file while it is read and compiled (Falco {@code result}). */
final class FileReport {
    private final String name;
    private final Map<String, String> contents;
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();
    final List<String> schemaStatus = new ArrayList<>();
    final Set<String> definedRules = new LinkedHashSet<>();
    final Set<String> definedMacros = new LinkedHashSet<>();
    final Set<String> definedLists = new LinkedHashSet<>();

    FileReport(String name, Map<String, String> contents) {
        this.name = requireNonNull(name, "name is null");
        this.contents = requireNonNull(contents, "contents is null");
    }

    String name() {
        return name;
    }

    void error(LoadCode code, String message, Context ctx) {
        errors.add(ctx.problem(code, message, contents));
    }

    void error(RuleLoadException e) {
        error(e.code(), e.getMessage(), e.context());
    }

    void warn(LoadCode code, String message, Context ctx) {
        warnings.add(ctx.problem(code, message, contents));
    }

    void warnDeprecatedField(String field, String message, Context ctx) {
        warnings.add(ctx.deprecatedField(field, message, contents));
    }

    boolean successful() {
        return errors.isEmpty();
    }

    FileLoadResult result() {
        return new FileLoadResult(name, errors.isEmpty(), errors, warnings, schemaStatus);
    }

    FileInventory inventory() {
        return new FileInventory(name, definedRules.size(), definedMacros.size(), definedLists.size());
    }
}
