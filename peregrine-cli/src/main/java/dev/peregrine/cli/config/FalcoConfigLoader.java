package dev.peregrine.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.cli.config.FalcoConfig.BaseSyscalls;
import dev.peregrine.cli.config.FalcoConfig.Engine;
import dev.peregrine.cli.config.FalcoConfig.FileOutput;
import dev.peregrine.cli.config.FalcoConfig.LogLevel;
import dev.peregrine.cli.config.FalcoConfig.Logging;
import dev.peregrine.cli.config.FalcoConfig.Metrics;
import dev.peregrine.cli.config.FalcoConfig.Outputs;
import dev.peregrine.cli.config.FalcoConfig.ProgramOutput;
import dev.peregrine.cli.config.FalcoConfig.Rules;
import dev.peregrine.cli.config.FalcoConfig.SyscallEventDrops;
import dev.peregrine.cli.config.FalcoConfig.Webserver;
import dev.peregrine.outputs.format.AppendOutput;
import dev.peregrine.rules.load.Priority;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RuleSelector;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads {@code falco.yaml} the way Falco 0.42 does: the main file, then the {@code config_files} it includes (a
 * missing file or directory is skipped; a directory's files load in name order), then every {@code -o} option, and
 * reads the result into a {@link FalcoConfig}, failing with Falco's message on a bad value.
 */
public final class FalcoConfigLoader {
    /*
     * Implementation notes (Falco 0.42 userspace/falco/configuration.cpp, init_from_file and load_yaml):
     * - -o options whose key starts with config_files are applied before the includes are merged, all of them
     *   again afterwards, so an option always wins over the files.
     * - yaml-cpp's as<T>(default) silently falls back to the default on a value of the wrong type; we report it
     *   instead (the key and what was expected), as a configuration error.
     * - rules_files entries that do not exist are dropped silently (stat), like Falco; -r paths are not filtered.
     * - Falco's rules: selectors apply a rule-name selector before a tag selector of the same entry.
     */

    /** The key of included configuration files. */
    public static final String CONFIG_FILES = "config_files";

    /** Peregrine's key for spool, retries and throttling. */
    public static final String DELIVERY = "delivery";
    /** Peregrine's key for Falcosidekick-style forwarders. */
    public static final String FORWARDERS = "forwarders";

    private static final Set<String> IMPLEMENTED = Set.of(CONFIG_FILES, "rules_files", "rules_file", "rules",
            "priority", "rule_matching", "json_output", "json_include_output_property",
            "json_include_tags_property", "json_include_message_property", "json_include_output_fields_property",
            "time_format_iso_8601", "append_output", "buffered_outputs", "stdout_output", "file_output",
            "program_output", "engine", "log_level", "log_stderr", "log_syslog", "base_syscalls",
            "syscall_event_drops", "metrics", "webserver", "load_plugins", "plugins", "syslog_output", "http_output",
            "outputs_queue", "output_timeout", DELIVERY, FORWARDERS);


    private final ConfigTree tree;
    private final String configName;

    private FalcoConfigLoader(ConfigTree tree, String configName) {
        this.tree = tree;
        this.configName = configName;
    }

    /**
     * Loads a configuration.
     *
     * @param configFile the main file, or null for none (every key at its default)
     * @param options the {@code -o key=value} options, in order
     * @param env the environment, for {@code ${VAR}} in the files
     * @param workingDir the directory relative paths in {@code config_files} resolve against
     * @throws ConfigException with Falco's message when a file cannot be read or a value is not valid
     */
    public static FalcoConfig load(Path configFile, List<String> options, Map<String, String> env,
            Path workingDir) {
        return load(configFile, configFile == null ? "" : configFile.toString(), options, env, workingDir);
    }

    /**
     * Loads a configuration, naming the main file {@code configName} (the path as the user wrote it) in messages
     * and in {@link FalcoConfig#files()}.
     */
    public static FalcoConfig load(Path configFile, String configName, List<String> options,
            Map<String, String> env, Path workingDir) {
        List<String> files = new ArrayList<>();
        ConfigTree tree;
        if (configFile == null) {
            tree = ConfigTree.empty();
            options.forEach(tree::setOption);
        } else {
            tree = ConfigTree.load(configFile, configName, env);
            files.add(configName);
            for (String o : options) {
                if (o.startsWith(CONFIG_FILES)) {
                    tree.setOption(o);
                }
            }
            mergeIncludes(tree, configFile, env, workingDir, files);
            options.forEach(tree::setOption);
        }
        return new FalcoConfigLoader(tree, configName).read(files, workingDir);
    }

    private static void mergeIncludes(ConfigTree tree, Path mainFile, Map<String, String> env, Path workingDir,
            List<String> files) {
        JsonNode includes = tree.get(CONFIG_FILES);
        for (JsonNode item : sequence(includes)) {
            String path;
            ConfigTree.IncludeStrategy strategy = ConfigTree.IncludeStrategy.APPEND;
            if (item.isObject()) {
                JsonNode p = item.get("path");
                if (p == null || p.isNull()) {
                    throw new ConfigException("Config error at key \"" + CONFIG_FILES
                            + "\": an entry has no 'path'");
                }
                path = p.asText();
                JsonNode s = item.get("strategy");
                if (s != null && !s.isNull()) {
                    strategy = switch (s.asText()) {
                        case "override" -> ConfigTree.IncludeStrategy.OVERRIDE;
                        case "add-only" -> ConfigTree.IncludeStrategy.ADD_ONLY;
                        default -> ConfigTree.IncludeStrategy.APPEND;
                    };
                }
            } else {
                path = item.asText();
            }
            Path p = workingDir.resolve(path);
            if (p.normalize().equals(mainFile.normalize()) || path.equals(mainFile.toString())) {
                throw new ConfigException("Config error: '" + CONFIG_FILES
                        + "' directive tried to recursively include main config file: " + mainFile + ".");
            }
            if (Files.isRegularFile(p)) {
                files.add(path);
                tree.include(ConfigTree.readFile(p, env), path, strategy);
            } else if (Files.isDirectory(p)) {
                List<Path> entries;
                try (Stream<Path> s = Files.list(p)) {
                    entries = s.filter(Files::isRegularFile).sorted().toList();
                } catch (IOException e) {
                    throw new ConfigException("Cannot read config directory (" + path + "): " + e.getMessage());
                }
                for (Path f : entries) {
                    files.add(f.toString());
                    tree.include(ConfigTree.readFile(f, env), f.toString(), strategy);
                }
            }
            // a missing path is skipped, as Falco does for rules files
        }
    }

    private FalcoConfig read(List<String> files, Path workingDir) {
        Logging logging = new Logging(logLevel(), bool("log_stderr", false), bool("log_syslog", true));
        Engine engine = engine();
        Rules rules = new Rules(rulesFiles(workingDir), selectors(), priority(), ruleMatching());
        Outputs outputs = outputs();
        BaseSyscalls base = new BaseSyscalls(new LinkedHashSet<>(strings("base_syscalls.custom_set")),
                bool("base_syscalls.repair", false), bool("base_syscalls.all", false));
        SyscallEventDrops drops = drops();
        Metrics metrics = new Metrics(bool("metrics.enabled", false), string("metrics.interval", "5000"),
                bool("metrics.output_rule", false), string("metrics.output_file", ""));
        if (metrics.enabled()) {
            metrics.intervalDuration();
        }
        Webserver web = webserver();
        plugins();
        DeliveryConfig delivery = delivery();
        return new FalcoConfig(files, rules, outputs, engine, logging, base, drops, metrics, web, delivery,
                unimplemented(logging, metrics, web));
    }

    private String configError(String what) {
        return "Error reading config file (" + configName + "): " + what;
    }

    private LogLevel logLevel() {
        String level = string("log_level", "info");
        return switch (level) {
            case "emergency" -> LogLevel.EMERGENCY;
            case "alert" -> LogLevel.ALERT;
            case "critical" -> LogLevel.CRITICAL;
            case "error" -> LogLevel.ERROR;
            case "warning" -> LogLevel.WARNING;
            case "notice" -> LogLevel.NOTICE;
            case "info" -> LogLevel.INFO;
            case "debug" -> LogLevel.DEBUG;
            default -> throw new ConfigException("Unknown log level " + level);
        };
    }

    private Engine engine() {
        String kind = string("engine.kind", "kmod");
        if (!Engine.KINDS.contains(kind)) {
            throw new ConfigException(configError("engine.kind '" + kind + "' is not a valid kind."));
        }
        String capture = string("engine.replay.capture_file", "");
        if (kind.equals("replay") && capture.isEmpty()) {
            throw new ConfigException(configError(
                    "engine.kind is 'replay' but no engine.replay.capture_file specified."));
        }
        if (kind.equals("gvisor") && string("engine.gvisor.config", "").isEmpty()) {
            throw new ConfigException(configError(
                    "engine.kind is 'gvisor' but no engine.gvisor.config specified."));
        }
        long preset = switch (kind) {
            case "kmod", "ebpf", "modern_ebpf" -> integer("engine." + kind + ".buf_size_preset",
                    Engine.DEFAULT_BUF_SIZE_PRESET);
            default -> -1;
        };
        return new Engine(kind, capture, preset);
    }

    private List<String> rulesFiles(Path workingDir) {
        boolean plural = tree.isDefined("rules_files");
        boolean singular = tree.isDefined("rules_file");
        if (plural && singular) {
            throw new ConfigException(configError("both 'rules_files' and 'rules_file' keys set"));
        }
        List<String> configured = strings(plural ? "rules_files" : "rules_file");
        return configured.stream().filter(f -> Files.exists(workingDir.resolve(f))).toList();
    }

    private List<RuleSelector> selectors() {
        List<RuleSelector> out = new ArrayList<>();
        for (JsonNode entry : sequence(tree.get("rules"))) {
            boolean enable;
            JsonNode body;
            if (entry.isObject() && entry.has("enable")) {
                enable = true;
                body = entry.get("enable");
            } else if (entry.isObject() && entry.has("disable")) {
                enable = false;
                body = entry.get("disable");
            } else {
                throw new ConfigException("Config error at key \"rules\": each entry must be"
                        + " 'enable: {rule|tag: ...}' or 'disable: {rule|tag: ...}', got " + entry);
            }
            if (!body.isObject()) {
                throw new ConfigException("Config error at key \"rules\": '" + (enable ? "enable" : "disable")
                        + "' must be a map with 'rule' and/or 'tag', got " + body);
            }
            JsonNode rule = body.get("rule");
            JsonNode tag = body.get("tag");
            if (rule != null && !rule.isNull() && !rule.asText().isEmpty()) {
                out.add(new RuleSelector.ByName(enable, rule.asText()));
            }
            if (tag != null && !tag.isNull() && !tag.asText().isEmpty()) {
                out.add(new RuleSelector.ByTag(enable, tag.asText()));
            }
        }
        return out;
    }

    private Priority priority() {
        String p = string("priority", "debug");
        return Priority.parse(p).orElseThrow(() -> new ConfigException("Unknown priority \"" + p
                + "\"--must be one of emergency, alert, critical, error, warning, notice, informational, debug"));
    }

    private RuleMatching ruleMatching() {
        String m = string("rule_matching", "first");
        return switch (m) {
            case "first" -> RuleMatching.FIRST;
            case "all" -> RuleMatching.ALL;
            default -> throw new ConfigException("Unknown rule matching strategy \"" + m
                    + "\"--must be one of first, all");
        };
    }

    private Outputs outputs() {
        FileOutput file = new FileOutput(bool("file_output.enabled", false), string("file_output.filename", ""),
                bool("file_output.keep_alive", false));
        if (file.enabled() && file.filename().isEmpty()) {
            throw new ConfigException(configError("file output enabled but no filename in configuration block"));
        }
        ProgramOutput program = new ProgramOutput(bool("program_output.enabled", false),
                string("program_output.program", ""), bool("program_output.keep_alive", false));
        if (program.enabled() && program.program().isEmpty()) {
            throw new ConfigException(configError(
                    "program output enabled but no program in configuration block"));
        }
        return new Outputs(bool("json_output", false), bool("json_include_output_property", true),
                bool("json_include_tags_property", true), bool("json_include_message_property", false),
                bool("json_include_output_fields_property", true), bool("time_format_iso_8601", false),
                appendOutputs(), bool("buffered_outputs", false), bool("stdout_output.enabled", false), file,
                program);
    }

    private List<AppendOutput> appendOutputs() {
        List<AppendOutput> out = new ArrayList<>();
        for (JsonNode e : sequence(tree.get("append_output"))) {
            if (!e.isObject()) {
                throw new ConfigException("Config error at key \"append_output\": each entry must be a map, got "
                        + e);
            }
            JsonNode match = e.path("match");
            Set<String> tags = new LinkedHashSet<>();
            for (JsonNode t : iterable(match.path("tags"))) {
                if (!t.isValueNode()) {
                    throw new ConfigException("Config error at key \"append_output\": match.tags must be a list"
                            + " of strings");
                }
                tags.add(t.asText());
            }
            Map<String, String> formatted = new LinkedHashMap<>();
            Set<String> raw = new LinkedHashSet<>();
            JsonNode extra = e.path("extra_fields");
            if (!extra.isMissingNode() && !extra.isNull() && !extra.isArray()) {
                throw new ConfigException("Config error at key \"append_output\": extra_fields must be a list");
            }
            for (JsonNode f : iterable(extra)) {
                if (f.isObject() && f.size() == 1) {
                    var field = f.properties().iterator().next();
                    if (formatted.containsKey(field.getKey()) || raw.contains(field.getKey())) {
                        throw new ConfigException("Config error at key \"append_output\": extra field '"
                                + field.getKey() + "' is defined twice");
                    }
                    formatted.put(field.getKey(), field.getValue().asText());
                } else if (f.isValueNode()) {
                    if (formatted.containsKey(f.asText())) {
                        throw new ConfigException("Config error at key \"append_output\": extra field '"
                                + f.asText() + "' is defined twice");
                    }
                    raw.add(f.asText());
                } else {
                    throw new ConfigException("Config error at key \"append_output\": an extra_fields entry must"
                            + " be a field name or a one-key map name: format, got " + f);
                }
            }
            out.add(new AppendOutput(text(match.path("source")), tags, text(match.path("rule")),
                    text(e.path("extra_output")), boolValue("append_output.suggested_output",
                            e.path("suggested_output"), false), formatted, raw));
        }
        return out;
    }

    private SyscallEventDrops drops() {
        Set<String> actions = new LinkedHashSet<>();
        for (String act : strings("syscall_event_drops.actions")) {
            switch (act) {
                case "ignore", "exit" -> actions.add(act);
                case "log", "alert" -> {
                    if (actions.contains("ignore")) {
                        throw new ConfigException(configError("syscall event drop action \"" + act
                                + "\" does not make sense with the \"ignore\" action"));
                    }
                    actions.add(act);
                }
                default -> throw new ConfigException(configError("available actions for syscall event drops are"
                        + " \"ignore\", \"log\", \"alert\", and \"exit\""));
            }
        }
        if (actions.isEmpty()) {
            actions.add("ignore");
        }
        double threshold = dbl("syscall_event_drops.threshold", .1);
        if (threshold < 0 || threshold > 1) {
            throw new ConfigException(configError(
                    "syscall event drops threshold must be a double in the range [0, 1]"));
        }
        return new SyscallEventDrops(actions, threshold, dbl("syscall_event_drops.rate", .03333),
                dbl("syscall_event_drops.max_burst", 1), bool("syscall_event_drops.simulate_drops", false));
    }

    private Webserver webserver() {
        String address = string("webserver.listen_address", "0.0.0.0");
        try {
            InetAddress.ofLiteral(address.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(configError("webserver listen address \"" + address
                    + "\" is not a valid IP address"));
        }
        long port = integer("webserver.listen_port", 8765);
        if (port < 0 || port > 65535) {
            throw new ConfigException("Config error at key \"webserver.listen_port\": " + port
                    + " is not a port number (0-65535)");
        }
        return new Webserver(bool("webserver.enabled", false), address, (int) port,
                string("webserver.k8s_healthz_endpoint", "/healthz"), bool("webserver.ssl_enabled", false),
                bool("webserver.prometheus_metrics_enabled", false));
    }

    private DeliveryConfig delivery() {
        DeliveryConfig.SyslogOutput syslog = new DeliveryConfig.SyslogOutput(bool("syslog_output.enabled", false),
                string("syslog_output.socket", "/dev/log"), string("syslog_output.ident", "falco"));
        DeliveryConfig.HttpOutput http = new DeliveryConfig.HttpOutput(bool("http_output.enabled", false),
                string("http_output.url", ""), string("http_output.user_agent", "falcosecurity/falco"),
                new dev.peregrine.outputs.channel.HttpTarget.Tls(bool("http_output.insecure", false),
                        string("http_output.ca_cert", ""), string("http_output.ca_bundle", ""),
                        string("http_output.ca_path", "/etc/ssl/certs"), bool("http_output.mtls", false),
                        string("http_output.client_cert", "/etc/ssl/certs/client.crt"),
                        string("http_output.client_key", "/etc/ssl/certs/client.key")),
                bool("http_output.echo", false),
                bool("http_output.compress_uploads", false), bool("http_output.keep_alive", false),
                (int) range("http_output.max_consecutive_timeouts", 5, 0, 255));
        if (http.enabled() && http.url().isEmpty()) {
            throw new ConfigException(configError("http output enabled but no url in configuration block"));
        }
        if (http.enabled()) {
            String url = http.url().strip();
            if (url.length() >= 2 && (url.charAt(0) == '"' || url.charAt(0) == '\'')
                    && url.charAt(url.length() - 1) == url.charAt(0)) {
                url = url.substring(1, url.length() - 1);
            }
            try {
                java.net.URI u = new java.net.URI(url);
                if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                        || u.getHost() == null) {
                    throw new java.net.URISyntaxException(url, "expected an http:// or https:// URL");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("Config error at key \"http_output.url\": '" + http.url()
                        + "' is not a valid URL (" + e.getReason() + ")");
            }
            http = new DeliveryConfig.HttpOutput(true, url, http.userAgent(), http.tls(), http.echo(),
                    http.compressUploads(), http.keepAlive(), http.maxConsecutiveTimeouts());
        }
        int capacity = (int) range("outputs_queue.capacity", 0, 0, Integer.MAX_VALUE);
        java.time.Duration timeout = java.time.Duration.ofMillis(range("output_timeout", 2000, 1, 3_600_000));
        DeliveryConfig.Spool spool = new DeliveryConfig.Spool(string(DELIVERY + ".spool_dir", ""),
                range(DELIVERY + ".spool_max_bytes", dev.peregrine.outputs.delivery.DeliveryOptions
                        .DEFAULT_SPOOL_MAX_BYTES, 1, Long.MAX_VALUE),
                (int) range(DELIVERY + ".memory_backlog", dev.peregrine.outputs.delivery.DeliveryOptions
                        .DEFAULT_MEMORY_BACKLOG, 1, Integer.MAX_VALUE));
        java.time.Duration retryInitial = duration(DELIVERY + ".retry_initial", "200ms");
        java.time.Duration retryMax = duration(DELIVERY + ".retry_max", "30s");
        if (retryInitial.isZero() || retryMax.compareTo(retryInitial) < 0) {
            throw new ConfigException("Config error at key \"" + DELIVERY + ".retry_max\": must be at least "
                    + DELIVERY + ".retry_initial, and both positive");
        }
        java.time.Duration shutdown = duration(DELIVERY + ".shutdown_timeout", "3s");
        int maxAlerts = (int) range(DELIVERY + ".throttle.max_alerts", 0, 0, Integer.MAX_VALUE);
        java.time.Duration interval = duration(DELIVERY + ".throttle.interval", "1m");
        if (maxAlerts > 0 && interval.isZero()) {
            throw new ConfigException("Config error at key \"" + DELIVERY + ".throttle.interval\": must be positive");
        }
        return new DeliveryConfig(syslog, http, capacity, timeout, spool, retryInitial, retryMax, shutdown,
                new DeliveryConfig.Throttle(maxAlerts, interval), forwarders());
    }

    /** {@code forwarders}: a map from a forwarder's key to its options; every key must name an installed factory. */
    private Map<String, Map<String, Object>> forwarders() {
        JsonNode n = tree.get(FORWARDERS);
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new ConfigException("Config error at key \"" + FORWARDERS + "\": expected a map of forwarder"
                    + " names to their options, got " + describe(n));
        }
        Set<String> known = new java.util.TreeSet<>();
        java.util.ServiceLoader.load(dev.peregrine.outputs.delivery.TargetFactory.class)
                .forEach(f -> known.add(f.key()));
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (var e : n.properties()) {
            String key = FORWARDERS + "." + e.getKey();
            if (!known.contains(e.getKey())) {
                throw new ConfigException("Config error at key \"" + key + "\": unknown forwarder '" + e.getKey()
                        + "'" + (known.isEmpty() ? " (no forwarders are installed)"
                                : " (known: " + String.join(", ", known) + ")"));
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                out.put(e.getKey(), Map.of());
            } else if (v.isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> options = mapper.convertValue(v, LinkedHashMap.class);
                out.put(e.getKey(), options);
            } else {
                throw new ConfigException("Config error at key \"" + key + "\": expected a map of options, got "
                        + describe(v));
            }
        }
        return out;
    }

    private long range(String key, long dflt, long min, long max) {
        long v = integer(key, dflt);
        if (v < min || v > max) {
            throw new ConfigException("Config error at key \"" + key + "\": " + v + " is out of range (" + min
                    + ".." + max + ")");
        }
        return v;
    }

    private java.time.Duration duration(String key, String dflt) {
        String text = string(key, dflt);
        return DurationText.parse(text).orElseThrow(() -> new ConfigException("Config error at key \"" + key
                + "\": '" + text + "' is not a duration (e.g. 500ms, 30s, 1m, or a number of milliseconds)"));
    }

    /** Falco fails when {@code load_plugins} names a plugin that {@code plugins} does not configure. */
    private void plugins() {
        List<String> load = strings("load_plugins");
        Set<String> configured = new LinkedHashSet<>();
        for (JsonNode p : sequence(tree.get("plugins"))) {
            configured.add(p.path("name").asText());
        }
        for (String name : load) {
            if (!configured.contains(name)) {
                throw new ConfigException("Cannot load plugin '" + name
                        + "': plugin config not found for given name");
            }
        }
    }

    private List<String> unimplemented(Logging logging, Metrics metrics, Webserver web) {
        List<String> out = new ArrayList<>();
        JsonNode root = tree.root();
        if (root != null && root.isObject()) {
            for (String key : (Iterable<String>) root::fieldNames) {
                if (!IMPLEMENTED.contains(key) && effective(root.get(key))) {
                    out.add(key);
                }
            }
        }
        if (logging.syslog()) {
            out.add("log_syslog (logs go to stderr only)");
        }
        if (!strings("load_plugins").isEmpty()
                || (!tree.isDefined("load_plugins") && !sequence(tree.get("plugins")).isEmpty())) {
            out.add("load_plugins (plugins cannot be loaded)");
        }
        if (web.enabled() && web.sslEnabled()) {
            out.add("webserver.ssl_enabled (the web server speaks plain HTTP)");
        }
        return out;
    }

    /** {@return false for values that turn nothing on: null, false, empty, or a block with enabled: false} */
    private static boolean effective(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return false;
        }
        if (n.isBoolean() || (n.isTextual() && parseBool(n.textValue()) != null)) {
            return Boolean.TRUE.equals(n.isBoolean() ? n.booleanValue() : parseBool(n.textValue()));
        }
        if (n.isContainerNode() && n.isEmpty()) {
            return false;
        }
        if (n.isObject() && n.has("enabled")) {
            JsonNode e = n.get("enabled");
            return e.isBoolean() ? e.booleanValue() : !Boolean.FALSE.equals(parseBool(e.asText()));
        }
        return true;
    }

    // ---- typed reads with yaml-cpp's conversions -------------------------------------------------------------

    private boolean bool(String key, boolean dflt) {
        return boolValue(key, tree.get(key), dflt);
    }

    private static boolean boolValue(String key, JsonNode n, boolean dflt) {
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        Boolean b = n.isValueNode() ? parseBool(n.asText()) : null;
        if (b == null) {
            throw new ConfigException("Config error at key \"" + key + "\": expected a boolean (true or false),"
                    + " got " + describe(n));
        }
        return b;
    }

    /** yaml-cpp's boolean words: y/yes/true/on and n/no/false/off, lower, upper or capitalized. */
    static Boolean parseBool(String s) {
        for (String t : List.of("y", "yes", "true", "on")) {
            if (boolWord(s, t)) {
                return true;
            }
        }
        for (String f : List.of("n", "no", "false", "off")) {
            if (boolWord(s, f)) {
                return false;
            }
        }
        return null;
    }

    private static boolean boolWord(String s, String word) {
        return s.equals(word) || s.equals(word.toUpperCase(Locale.ROOT))
                || s.equals(Character.toUpperCase(word.charAt(0)) + word.substring(1));
    }

    private String string(String key, String dflt) {
        JsonNode n = tree.get(key);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.isValueNode()) {
            throw new ConfigException("Config error at key \"" + key + "\": expected a single value, got "
                    + describe(n));
        }
        return n.asText();
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    private double dbl(String key, double dflt) {
        JsonNode n = tree.get(key);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(n.asText().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("Config error at key \"" + key + "\": expected a number, got " + describe(n));
        }
    }

    private long integer(String key, long dflt) {
        JsonNode n = tree.get(key);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        try {
            return Long.parseLong(n.asText().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("Config error at key \"" + key + "\": expected an integer, got "
                    + describe(n));
        }
    }

    /** A sequence of scalars; a single scalar is a one-item sequence, a map none (Falco's get_sequence). */
    private List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : sequence(tree.get(key))) {
            if (!n.isValueNode() || n.isNull()) {
                throw new ConfigException("Config error at key \"" + key + "\": expected a list of strings, got "
                        + describe(n));
            }
            out.add(n.asText());
        }
        return out;
    }

    private static List<JsonNode> sequence(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull() || n.isObject()) {
            return List.of();
        }
        if (n.isArray()) {
            List<JsonNode> out = new ArrayList<>();
            n.forEach(out::add);
            return out;
        }
        return List.of(n);
    }

    private static Iterable<JsonNode> iterable(JsonNode n) {
        return n.isArray() ? n : List.of();
    }

    private static String describe(JsonNode n) {
        if (n.isTextual()) {
            return "'" + n.textValue() + "'";
        }
        return n.isObject() ? "a map" : n.isArray() ? "a list" : n.toString();
    }
}
