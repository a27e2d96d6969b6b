package dev.peregrine.cli;

import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.RulesSource;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns command-line rule arguments into rules sources, as Falco reads {@code -r}: a file, or a directory whose
 * {@code .yaml}/{@code .yml} files load in alphabetical order. A name of a bundled file that does not exist on disk
 * ({@code falco-incubating_rules.yaml}) loads the bundled copy.
 */
final class RulesFiles {
    private RulesFiles() {
    }

    static List<RulesSource> read(List<Path> paths) {
        if (paths == null || paths.isEmpty()) {
            return BundledRules.defaults();
        }
        List<RulesSource> sources = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> entries = Files.list(p)) {
                    entries.filter(e -> {
                        String n = e.getFileName().toString();
                        return Files.isRegularFile(e) && (n.endsWith(".yaml") || n.endsWith(".yml"));
                    }).sorted().forEach(e -> sources.add(readFile(e)));
                } catch (IOException e) {
                    throw new UserError("cannot list rules directory " + p + ": " + e.getMessage(), 1);
                }
            } else if (!Files.exists(p) && BundledRules.byName(p.toString()).isPresent()) {
                sources.add(BundledRules.byName(p.toString()).orElseThrow());
            } else {
                sources.add(readFile(p));
            }
        }
        return sources;
    }

    private static RulesSource readFile(Path p) {
        try {
            return new RulesSource(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UserError("cannot read rules file " + p + ": no such file", 1);
        } catch (MalformedInputException e) {
            throw new UserError("cannot read rules file " + p + ": not UTF-8 text", 1);
        } catch (IOException e) {
            throw new UserError("cannot read rules file " + p + ": " + e.getMessage(), 1);
        }
    }
}
