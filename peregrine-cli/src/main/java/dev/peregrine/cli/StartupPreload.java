package dev.peregrine.cli;

import dev.peregrine.capture.convert.EventConverter;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.params.ParamTables;
import dev.peregrine.rules.fields.FieldCatalogs;
import java.util.List;
import java.util.Set;

/**
 * Loads the bundled tables every detection command needs (event table, parameter tables, layout conversions, field
 * catalogs) on a second thread while the main thread parses the command line, the configuration and the rule files.
 */
final class StartupPreload {
    /* Implementation notes:
     * - A replay of a large capture spends a large share of its wall time starting up; these tables are parsed from
     *   JSON and text resources (about 0.2 s on a cold JVM) and are needed only once the rules are compiled, after
     *   the YAML has been parsed, so on a machine with a second core they come for free.
     * - Each table is a class-initialised singleton: if the main thread asks for one being loaded here, it waits for
     *   it (JVM class-initialisation lock) instead of loading it twice. The order follows their dependencies (the
     *   catalogs and converter read the event table), so the two threads never wait on each other in a cycle.
     * - A failure here is ignored: the main thread meets the same failure where it needs the table, and reports it
     *   with its usual message. */

    /** Arguments for which no table is needed: help and version output. */
    private static final Set<String> NO_TABLES = Set.of("-h", "--help", "-V", "--version", "help", "--list", "-L",
            "--support");

    private StartupPreload() {
    }

    /** Starts loading the tables on a daemon thread unless {@code args} only ask for help or the version. */
    static void start(List<String> args) {
        if (args.size() == 1 && NO_TABLES.contains(args.getFirst())) {
            return;
        }
        Thread.ofPlatform().daemon().name("peregrine-preload").start(StartupPreload::load);
    }

    private static void load() {
        try {
            EventTable.get();
            ParamTables.get();
            EventConverter.standard();
            FieldCatalogs.all();
        } catch (RuntimeException | ExceptionInInitializerError e) {
            // reported by the main thread when it needs the table (see the implementation notes)
        }
    }
}
