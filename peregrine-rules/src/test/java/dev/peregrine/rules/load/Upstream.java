package dev.peregrine.rules.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared upstream data directory (system property {@code peregrine.upstream}). */
final class Upstream {
    private Upstream() {
    }

    static Path dir() {
        Path configured = Path.of(System.getProperty("peregrine.upstream", "/work/shared/upstream"));
        // Worktrees sit one level deeper than the main checkout, so the default relative path may miss.
        return Files.isDirectory(configured) ? configured : Path.of("/work/shared/upstream");
    }

    static String read(String relative) {
        try {
            return Files.readString(dir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RulesSource source(String relative) {
        return new RulesSource(Path.of(relative).getFileName().toString(), read(relative));
    }
}
