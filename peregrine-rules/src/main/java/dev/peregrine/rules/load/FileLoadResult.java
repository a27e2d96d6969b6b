package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome of loading one rules file, as Falco's {@code rule_loader::result}: the file is successful when it has no
 * error; warnings never make it fail.
 *
 * @param schemaStatus the outcome of checking each YAML document against Falco's rules schema, one entry per
 *     document ({@code ok}) or per violation ({@code failed for ...}); empty when the YAML could not be parsed
 */
public record FileLoadResult(String name, boolean successful, List<Problem> errors, List<Problem> warnings,
        List<String> schemaStatus) {
    /** A result without schema information. */
    public FileLoadResult(String name, boolean successful, List<Problem> errors, List<Problem> warnings) {
        this(name, successful, errors, warnings, List.of());
    }

    public FileLoadResult {
        requireNonNull(name, "name is null");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        schemaStatus = List.copyOf(schemaStatus);
        if (successful != errors.isEmpty()) {
            throw new IllegalArgumentException("successful must be true exactly when there is no error");
        }
        for (Problem p : errors) {
            if (!p.isError()) {
                throw new IllegalArgumentException("not an error: " + p.code());
            }
        }
        for (Problem p : warnings) {
            if (p.isError()) {
                throw new IllegalArgumentException("not a warning: " + p.code());
            }
        }
    }

    /**
     * {@return Falco's {@code schema_valid}: whether the first schema status is {@code ok} (Falco looks at the
     * first entry only), or true when no schema check ran}
     */
    public boolean schemaValid() {
        return schemaStatus.isEmpty() || schemaStatus.getFirst().equals("ok");
    }

    /** {@return Falco's one-paragraph summary: {@code name: Ok}, {@code Ok, with warnings} or {@code Invalid} plus code lists} */
    public String summaryText() {
        var sb = new StringBuilder();
        if (!name.isEmpty()) {
            sb.append(name).append(": ");
        }
        sb.append(successful ? (warnings.isEmpty() ? "Ok" : "Ok, with warnings") : "Invalid");
        if (!schemaValid()) {
            sb.append("\n ").append(schemaStatus.size()).append(" schema warnings: [")
                    .append(String.join(" ", schemaStatus)).append(']');
        }
        if (!errors.isEmpty()) {
            sb.append("\n ").append(errors.size()).append(" errors: [");
            appendCodes(sb, errors);
            sb.append(']');
        }
        if (!warnings.isEmpty()) {
            sb.append("\n ").append(warnings.size()).append(" warnings: [");
            appendCodes(sb, warnings);
            sb.append(']');
        }
        return sb.toString();
    }

    /** {@return Falco's verbose text (what {@code falco -V} prints): every problem with context, snippet and message} */
    public String verboseText() {
        var sb = new StringBuilder();
        if (!name.isEmpty()) {
            sb.append(name).append(": ");
        }
        sb.append(successful ? (warnings.isEmpty() ? "Ok" : "Ok, with warnings") : "Invalid");
        if (!schemaValid()) {
            sb.append('\n').append(schemaStatus.size()).append(" Schema warnings:\n");
            for (String s : schemaStatus) {
                sb.append("------\n").append(s).append('\n');
            }
            sb.append("------\n");
        }
        appendVerbose(sb, errors, "Errors");
        appendVerbose(sb, warnings, "Warnings");
        return sb.toString();
    }

    private static void appendCodes(StringBuilder sb, List<Problem> problems) {
        boolean first = true;
        for (Problem p : problems) {
            if (!first) {
                sb.append(' ');
            }
            first = false;
            sb.append(p.code().name()).append(" (").append(p.codeText()).append(')');
        }
    }

    private static void appendVerbose(StringBuilder sb, List<Problem> problems, String title) {
        if (problems.isEmpty()) {
            return;
        }
        sb.append('\n').append(problems.size()).append(' ').append(title).append(":\n");
        for (Problem p : problems) {
            sb.append(p.contextText()).append("------\n").append(p.snippet()).append("------\n")
                    .append(p.code().name()).append(" (").append(p.codeText()).append("): ")
                    .append(p.message()).append('\n');
        }
    }
}
