package dev.peregrine.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Falco's command-line options, parsed as Falco's cxxopts parser does: short options take their value from the
 * next argument or the rest of the same argument ({@code -cfalco.yaml}), long ones from {@code --name=value} or the
 * next argument, and flags may be grouped ({@code -UL}).
 */
final class FalcoOptions {
    /* Implementation notes: the option table mirrors Falco 0.42 userspace/falco/app/options.cpp. -A (all events)
     * was removed from Falco in 0.39 in favour of base_syscalls.all; it is still accepted here as that override so
     * old scripts keep working. --list has an implicit value: a following argument is its value only when it
     * does not start with '-'. */

    /** Options that take a value, by every name they answer to; the value is the canonical name. */
    private static final Map<String, String> WITH_VALUE = Map.ofEntries(
            Map.entry("c", "c"), Map.entry("disable-source", "disable-source"),
            Map.entry("enable-source", "enable-source"), Map.entry("l", "l"), Map.entry("M", "M"),
            Map.entry("o", "o"), Map.entry("option", "o"), Map.entry("plugin-info", "plugin-info"),
            Map.entry("p", "p"), Map.entry("print", "p"), Map.entry("P", "P"), Map.entry("pidfile", "P"),
            Map.entry("r", "r"), Map.entry("V", "V"), Map.entry("validate", "V"),
            Map.entry("gvisor-generate-config", "gvisor-generate-config"));

    /** Flags, by every name they answer to. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("h", "h"), Map.entry("help", "h"), Map.entry("config-schema", "config-schema"),
            Map.entry("rule-schema", "rule-schema"), Map.entry("dry-run", "dry-run"), Map.entry("i", "i"),
            Map.entry("L", "L"), Map.entry("list-events", "list-events"), Map.entry("list-plugins", "list-plugins"),
            Map.entry("markdown", "markdown"), Map.entry("N", "N"), Map.entry("support", "support"),
            Map.entry("U", "U"), Map.entry("unbuffered", "U"), Map.entry("v", "v"), Map.entry("version", "version"),
            Map.entry("page-size", "page-size"), Map.entry("A", "A"));

    String configFile;
    final List<String> rulesFiles = new ArrayList<>();
    final List<String> validateFiles = new ArrayList<>();
    final List<String> configOptions = new ArrayList<>();
    final List<String> enableSources = new ArrayList<>();
    final List<String> disableSources = new ArrayList<>();
    String describeRule;
    String listSource;
    String printAdditional;
    String pidFile;
    String pluginInfo;
    String gvisorGenerateConfig;
    long stopAfterSeconds;
    boolean help;
    boolean configSchema;
    boolean ruleSchema;
    boolean dryRun;
    boolean printIgnoredEvents;
    boolean describeAllRules;
    boolean listEvents;
    boolean listPlugins;
    boolean markdown;
    boolean namesOnly;
    boolean support;
    boolean unbuffered;
    boolean verbose;
    boolean version;
    boolean pageSize;
    boolean allEvents;

    /** A command line Falco would reject; the message is Falco's (cxxopts) wording. */
    static final class OptionException extends Exception {
        OptionException(String message) {
            super(message, null, false, false);
        }
    }

    static FalcoOptions parse(List<String> args) throws OptionException {
        FalcoOptions o = new FalcoOptions();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                String body = a.substring(2);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                if (name.equals("list")) {
                    if (eq >= 0) {
                        o.listSource = body.substring(eq + 1);
                    } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                        o.listSource = args.get(++i);
                    } else {
                        o.listSource = "";
                    }
                } else if (WITH_VALUE.containsKey(name) && name.length() > 1) {
                    String value;
                    if (eq >= 0) {
                        value = body.substring(eq + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new OptionException("Option '" + name + "' is missing an argument");
                    }
                    o.set(WITH_VALUE.get(name), value);
                } else if (FLAGS.containsKey(name) && name.length() > 1) {
                    if (eq >= 0) {
                        o.flag(FLAGS.get(name), body.substring(eq + 1));
                    } else {
                        o.flag(FLAGS.get(name), "true");
                    }
                } else {
                    throw new OptionException("Option '" + name + "' does not exist");
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    String name = String.valueOf(a.charAt(k));
                    if (WITH_VALUE.containsKey(name)) {
                        String value;
                        if (k + 1 < a.length()) {
                            value = a.substring(k + 1);
                        } else if (i + 1 < args.size()) {
                            value = args.get(++i);
                        } else {
                            throw new OptionException("Option '" + name + "' is missing an argument");
                        }
                        o.set(WITH_VALUE.get(name), value);
                        break;
                    } else if (FLAGS.containsKey(name)) {
                        o.flag(FLAGS.get(name), "true");
                    } else {
                        throw new OptionException("Option '" + name + "' does not exist");
                    }
                }
            } else {
                throw new OptionException("Unexpected argument '" + a + "': Falco's command line takes no"
                        + " positional arguments (Peregrine's subcommands are: rules, fields, help)");
            }
        }
        return o;
    }

    private void set(String name, String value) throws OptionException {
        switch (name) {
            case "c" -> configFile = value;
            case "r" -> rulesFiles.add(value);
            case "V" -> validateFiles.add(value);
            case "o" -> configOptions.add(value);
            case "l" -> describeRule = value;
            case "M" -> {
                try {
                    stopAfterSeconds = Long.parseLong(value.strip());
                } catch (NumberFormatException e) {
                    throw new OptionException("Argument '" + value + "' failed to parse");
                }
                if (stopAfterSeconds < 0) {
                    throw new OptionException("Argument '" + value + "' failed to parse");
                }
            }
            case "p" -> printAdditional = value;
            case "P" -> pidFile = value;
            case "plugin-info" -> pluginInfo = value;
            case "enable-source" -> enableSources.add(value);
            case "disable-source" -> disableSources.add(value);
            case "gvisor-generate-config" -> gvisorGenerateConfig = value;
            default -> throw new IllegalStateException("unhandled option " + name);
        }
    }

    private void flag(String name, String value) throws OptionException {
        boolean on = switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new OptionException("Argument '" + value + "' failed to parse");
        };
        switch (name) {
            case "h" -> help = on;
            case "config-schema" -> configSchema = on;
            case "rule-schema" -> ruleSchema = on;
            case "dry-run" -> dryRun = on;
            case "i" -> printIgnoredEvents = on;
            case "L" -> describeAllRules = on;
            case "list-events" -> listEvents = on;
            case "list-plugins" -> listPlugins = on;
            case "markdown" -> markdown = on;
            case "N" -> namesOnly = on;
            case "support" -> support = on;
            case "U" -> unbuffered = on;
            case "v" -> verbose = on;
            case "version" -> version = on;
            case "page-size" -> pageSize = on;
            case "A" -> allEvents = on;
            default -> throw new IllegalStateException("unhandled flag " + name);
        }
    }
}
