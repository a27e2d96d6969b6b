package dev.peregrine.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared upstream data lives: the {@code peregrine.upstream} property, else the shared checkout. */
final class Upstream {
    private static final Path DEFAULT = Path.of("/work/shared/upstream");

    private Upstream() {
    }

    /** {@return the upstream directory}; a property naming a missing directory falls back to the default */
    static Path dir() {
        String property = System.getProperty("peregrine.upstream");
        if (property != null && Files.isDirectory(Path.of(property))) {
            return Path.of(property);
        }
        return DEFAULT;
    }

    /** {@return the path of a shared capture} */
    static Path capture(String file) {
        return dir().resolve("scap").resolve(file);
    }
}
