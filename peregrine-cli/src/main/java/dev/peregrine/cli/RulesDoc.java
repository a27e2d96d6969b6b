package dev.peregrine.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the reference of a set of rules files as Markdown ({@code peregrine rules doc}, the source of
 * {@code docs/rules.md}): for every rule its priority, tags, MITRE ATT&CK technique, what it detects and the macros and
 * lists to tune it with.
 */
final class RulesDoc {
    /* Implementation notes: each file is loaded on its own (the bundled files are self-contained), so every rule is
     * listed under the file that defines it. "What it detects" comes from rule_summaries.yaml for Falco's rules
     * (written for Peregrine, not Falco's descriptions) and from the rule's own desc for files without a summary
     * (Peregrine's rules, users' files). Tuning points are the macros and lists the condition names directly, found
     * by matching its identifiers against the names the file defines; user_* names are listed first because Falco's
     * files reserve them for local overrides. */

    /** One file to document. {@code detailed}: a section per rule; otherwise one table row per rule. */
    record Section(RulesSource source, String title, String intro, boolean detailed) {
        Section {
            requireNonNull(source, "source is null");
            requireNonNull(title, "title is null");
            requireNonNull(intro, "intro is null");
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.\\[\"'/-])([A-Za-z_][\\w-]*)(?![\\w.\\[])");
    private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?|TA\\d{4}");

    /** MITRE ATT&CK names of the techniques and tactics the bundled rules are tagged with. */
    private static final Map<String, String> MITRE = Map.ofEntries(
            Map.entry("TA0003", "Persistence (tactic)"),
            Map.entry("T1005", "Data from Local System"),
            Map.entry("T1006", "Direct Volume Access"),
            Map.entry("T1020", "Automated Exfiltration"),
            Map.entry("T1021.004", "Remote Services: SSH"),
            Map.entry("T1046", "Network Service Discovery"),
            Map.entry("T1053.003", "Scheduled Task/Job: Cron"),
            Map.entry("T1055.008", "Process Injection: Ptrace System Calls"),
            Map.entry("T1059", "Command and Scripting Interpreter"),
            Map.entry("T1059.004", "Command and Scripting Interpreter: Unix Shell"),
            Map.entry("T1070", "Indicator Removal"),
            Map.entry("T1072", "Software Deployment Tools"),
            Map.entry("T1074.001", "Data Staged: Local Data Staging"),
            Map.entry("T1083", "File and Directory Discovery"),
            Map.entry("T1098", "Account Manipulation"),
            Map.entry("T1098.004", "Account Manipulation: SSH Authorized Keys"),
            Map.entry("T1132", "Data Encoding"),
            Map.entry("T1190", "Exploit Public-Facing Application"),
            Map.entry("T1195.002", "Supply Chain Compromise: Compromise Software Supply Chain"),
            Map.entry("T1204", "User Execution"),
            Map.entry("T1205.001", "Traffic Signaling: Port Knocking"),
            Map.entry("T1222.002", "File and Directory Permissions Modification: Linux and Mac"),
            Map.entry("T1485", "Data Destruction"),
            Map.entry("T1496", "Resource Hijacking"),
            Map.entry("T1505", "Server Software Component"),
            Map.entry("T1505.003", "Server Software Component: Web Shell"),
            Map.entry("T1543", "Create or Modify System Process"),
            Map.entry("T1546.004", "Event Triggered Execution: Unix Shell Configuration Modification"),
            Map.entry("T1547.006", "Boot or Logon Autostart Execution: Kernel Modules and Extensions"),
            Map.entry("T1548.001", "Abuse Elevation Control Mechanism: Setuid and Setgid"),
            Map.entry("T1548.003", "Abuse Elevation Control Mechanism: Sudo and Sudo Caching"),
            Map.entry("T1552", "Unsecured Credentials"),
            Map.entry("T1552.001", "Unsecured Credentials: Credentials In Files"),
            Map.entry("T1552.005", "Unsecured Credentials: Cloud Instance Metadata API"),
            Map.entry("T1555", "Credentials from Password Stores"),
            Map.entry("T1556", "Modify Authentication Process"),
            Map.entry("T1557.002", "Adversary-in-the-Middle: ARP Cache Poisoning"),
            Map.entry("T1564.001", "Hide Artifacts: Hidden Files and Directories"),
            Map.entry("T1565", "Data Manipulation"),
            Map.entry("T1571", "Non-Standard Port"),
            Map.entry("T1610", "Deploy Container"),
            Map.entry("T1611", "Escape to Host"),
            Map.entry("T1620", "Reflective Code Loading"),
            Map.entry("T1622", "Debugger Evasion"));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, String> summaries;

    RulesDoc() {
        this.summaries = readSummaries();
    }

    /** {@return the Markdown document: {@code header}, then one part per section} */
    String render(String header, List<Section> sections) {
        StringBuilder out = new StringBuilder(header);
        for (Section s : sections) {
            FileFacts facts = facts(s.source());
            out.append("\n## ").append(s.title()).append("\n\n").append(s.intro()).append("\n\n");
            if (s.detailed()) {
                for (Rule r : facts.rules()) {
                    detailed(out, r, facts);
                }
            } else {
                out.append("| Rule | Priority | MITRE ATT&CK | Tags | Tune with |\n|---|---|---|---|---|\n");
                for (Rule r : facts.rules()) {
                    out.append("| ").append(cell(r.name()))
                            .append(facts.enabled(r) ? "" : " (disabled)")
                            .append(" | ").append(r.priority().falcoName())
                            .append(" | ").append(cell(String.join(", ", techniques(r))))
                            .append(" | ").append(cell(String.join(", ", plainTags(r))))
                            .append(" | ").append(cell(codeList(tuningPoints(r, facts), 4)))
                            .append(" |\n");
                }
            }
        }
        return out.toString();
    }

    private void detailed(StringBuilder out, Rule r, FileFacts facts) {
        out.append("### ").append(r.name()).append("\n\n");
        out.append("- Priority: ").append(r.priority().falcoName());
        if (!facts.enabled(r)) {
            out.append(" (disabled in the file: enable it with a `rules:` selector or `-o`)");
        }
        out.append('\n');
        out.append("- Tags: ").append(String.join(", ", r.sortedTags())).append('\n');
        List<String> mitre = techniques(r);
        out.append("- MITRE ATT&CK: ").append(mitre.isEmpty() ? "none fits" : String.join("; ", mitre))
                .append('\n');
        String what = summaries.getOrDefault(r.name(), oneLine(r.description()));
        out.append("- Detects: ").append(what).append('\n');
        List<String> tune = tuningPoints(r, facts);
        out.append("- Tune with: ").append(tune.isEmpty() ? "exceptions or an `override` of the condition"
                : codeList(tune, Integer.MAX_VALUE) + " (append items to the lists, override the macros), or "
                        + "exceptions")
                .append("\n\n");
    }

    private static List<String> techniques(Rule r) {
        List<String> out = new ArrayList<>();
        for (String tag : r.sortedTags()) {
            if (TECHNIQUE.matcher(tag).matches()) {
                String name = MITRE.get(tag);
                out.add(name == null ? tag : tag + " " + name);
            }
        }
        return out;
    }

    private static List<String> plainTags(Rule r) {
        return r.sortedTags().stream().filter(t -> !TECHNIQUE.matcher(t).matches()).toList();
    }

    /** Macros and lists of the file named directly by the rule's condition; user_* ones first. */
    private static List<String> tuningPoints(Rule r, FileFacts facts) {
        Set<String> user = new LinkedHashSet<>();
        Set<String> other = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(r.conditionText());
        while (m.find()) {
            String id = m.group(1);
            if (facts.names().contains(id)) {
                (id.startsWith("user_") || id.contains("_user_known_") ? user : other).add(id);
            }
        }
        List<String> out = new ArrayList<>(user);
        out.addAll(other);
        return out;
    }

    private static String codeList(List<String> names, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size() && i < max; i++) {
            b.append(i == 0 ? "" : ", ").append('`').append(names.get(i)).append('`');
        }
        if (names.size() > max) {
            b.append(", ...");
        }
        return b.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** The rules of one file, in file order, and the names of the macros and lists it defines. */
    private record FileFacts(List<Rule> rules, Ruleset ruleset, Set<String> names) {
        boolean enabled(Rule r) {
            return ruleset.isEnabled(r);
        }
    }

    private static FileFacts facts(RulesSource source) {
        LoadOutcome outcome = RulesLoader.load(List.of(source), LoadOptions.defaults());
        Ruleset ruleset = outcome.ruleset().orElseThrow(() -> new UserError(
                "cannot document " + source.name() + ": it does not load (run peregrine rules validate)", 1));
        Set<String> names = new LinkedHashSet<>();
        try {
            JsonNode doc = YAML.readTree(source.content());
            if (doc != null && doc.isArray()) {
                for (JsonNode item : doc) {
                    for (String key : List.of("macro", "list")) {
                        if (item.hasNonNull(key)) {
                            names.add(item.get(key).asText());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read " + source.name() + ": " + e.getMessage(), 1);
        }
        return new FileFacts(ruleset.rules(), ruleset, names);
    }

    private static Map<String, String> readSummaries() {
        try (InputStream in = RulesDoc.class.getResourceAsStream("rule_summaries.yaml")) {
            if (in == null) {
                throw new IllegalStateException("rule_summaries.yaml missing from the jar");
            }
            Map<String, String> out = new LinkedHashMap<>();
            YAML.readTree(in).properties().forEach(e -> out.put(e.getKey(), oneLine(e.getValue().asText())));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
