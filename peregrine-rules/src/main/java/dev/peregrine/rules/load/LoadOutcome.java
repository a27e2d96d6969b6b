package dev.peregrine.rules.load;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What loading a set of rules files gave: one result and one inventory per file, in order, and the compiled
 * ruleset when no file had an error.
 */
public record LoadOutcome(List<FileLoadResult> results, List<FileInventory> inventories, Optional<Ruleset> ruleset) {
    public LoadOutcome {
        results = List.copyOf(results);
        inventories = List.copyOf(inventories);
        requireNonNull(ruleset, "ruleset is null");
    }

    /** {@return whether every file loaded without error} */
    public boolean successful() {
        return results.stream().allMatch(FileLoadResult::successful);
    }

    /** {@return the process exit code of {@code falco -V}: 0 when every file is valid, 1 otherwise} */
    public int exitCode() {
        return successful() ? 0 : 1;
    }

    /** {@return Falco's JSON validation document} */
    public String toJson() {
        return LoadResultsJson.toJson(results);
    }
}
