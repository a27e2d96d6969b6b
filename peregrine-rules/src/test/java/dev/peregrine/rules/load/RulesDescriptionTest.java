package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RulesDescription} against the structure of Falco's {@code describe_rule} document. */
class RulesDescriptionTest {
    static final String RULES = """
            - required_engine_version: 0.26.0
            - list: shell_binaries
              items: [bash, sh]
            - list: all_shells
              items: [shell_binaries, zsh]
            - list: unused_list
              items: [a]
            - macro: spawned_process
              condition: evt.type = execve and evt.dir = <
            - macro: shell_procs
              condition: proc.name in (all_shells)
            - rule: Shell spawned
              desc: a shell
              condition: spawned_process and shell_procs and not proc.pname in (shell_binaries)
              output: "shell (user=%user.name cmd=%proc.cmdline)"
              priority: WARNING
              tags: [shell, process]
              exceptions:
                - name: known_parents
                  fields: [proc.pname, proc.cwd]
                  comps: [=, startswith]
                  values: [[cron, /tmp]]
            - rule: Madvise
              desc: m
              condition: evt.type = madvise
              output: "m %evt.type"
              priority: INFO
              enabled: false
            """;

    private static Ruleset load() {
        LoadOutcome outcome = RulesLoader.load(List.of(new RulesSource("rules.yaml", RULES)), LoadOptions.defaults());
        assertThat(outcome.successful()).as(outcome.toString()).isTrue();
        return outcome.ruleset().orElseThrow();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> keys(JsonNode object) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void json_all_topLevelAsFalco() {
        JsonNode doc = RulesDescription.json(load(), null);
        assertThat(keys(doc)).containsExactly("lists", "macros", "required_engine_version",
                "required_plugin_versions", "rules");
        assertThat(doc.get("required_engine_version").asText()).isEqualTo("0.26.0");
        assertThat(doc.get("required_plugin_versions")).isEmpty();
        assertThat(doc.get("rules")).hasSize(2);
        assertThat(doc.get("macros")).hasSize(2);
        assertThat(doc.get("lists")).hasSize(3);
    }

    @Test
    void json_lists_itemsAsWrittenReferencedListsAndCompiledItems() {
        JsonNode lists = RulesDescription.json(load(), null).get("lists");
        JsonNode shells = lists.get(1);
        assertThat(keys(shells)).containsExactly("details", "info");
        assertThat(keys(shells.get("info"))).containsExactly("items", "name");
        assertThat(keys(shells.get("details"))).containsExactly("items_compiled", "lists", "plugins", "used");
        assertThat(shells.get("info").get("name").asText()).isEqualTo("all_shells");
        assertThat(texts(shells.get("info").get("items"))).containsExactly("zsh");
        assertThat(texts(shells.get("details").get("lists"))).containsExactly("shell_binaries");
        assertThat(texts(shells.get("details").get("items_compiled"))).containsExactly("bash", "sh", "zsh");
        assertThat(shells.get("details").get("used").asBoolean()).isTrue();
        assertThat(lists.get(2).get("details").get("used").asBoolean()).isFalse();
    }

    @Test
    void json_macros_detailsOfTheWrittenAndCompiledCondition() {
        JsonNode macros = RulesDescription.json(load(), null).get("macros");
        JsonNode spawned = macros.get(0);
        assertThat(keys(spawned.get("info"))).containsExactly("condition", "name");
        assertThat(keys(spawned.get("details"))).containsExactly("condition_compiled", "condition_fields",
                "condition_operators", "events", "lists", "macros", "plugins", "used");
        assertThat(spawned.get("info").get("condition").asText()).isEqualTo("evt.type = execve and evt.dir = <");
        JsonNode d = spawned.get("details");
        assertThat(d.get("condition_compiled").asText()).isEqualTo("(evt.type = execve and evt.dir = <)");
        assertThat(texts(d.get("condition_fields"))).containsExactly("evt.dir", "evt.type");
        assertThat(texts(d.get("condition_operators"))).containsExactly("=");
        assertThat(texts(d.get("events"))).containsExactly("asyncevent", "execve");
        assertThat(d.get("used").asBoolean()).isTrue();
        JsonNode shellProcs = macros.get(1).get("details");
        assertThat(texts(shellProcs.get("lists"))).containsExactly("all_shells");
        assertThat(shellProcs.get("condition_compiled").asText()).isEqualTo("proc.name in (bash, sh, zsh)");
        assertThat(texts(shellProcs.get("events"))).as("no evt.type: every event").contains("asyncevent", "open",
                "execve", "madvise").hasSizeGreaterThan(100);
    }

    @Test
    void json_rule_infoAndDetails() {
        JsonNode rule = RulesDescription.json(load(), null).get("rules").get(0);
        assertThat(keys(rule.get("info"))).containsExactly("capture", "capture_duration", "condition",
                "description", "enabled", "name", "output", "priority", "source", "tags");
        JsonNode info = rule.get("info");
        assertThat(info.get("condition").asText())
                .isEqualTo("spawned_process and shell_procs and not proc.pname in (shell_binaries)");
        assertThat(info.get("priority").asText()).isEqualTo("Warning");
        assertThat(texts(info.get("tags"))).containsExactly("process", "shell");
        JsonNode d = rule.get("details");
        assertThat(keys(d)).containsExactly("condition_compiled", "condition_fields", "condition_operators",
                "events", "exception_fields", "exception_names", "exception_operators", "lists", "macros",
                "output_compiled", "output_fields", "plugins");
        assertThat(texts(d.get("macros"))).containsExactly("shell_procs", "spawned_process");
        assertThat(texts(d.get("lists"))).containsExactly("shell_binaries");
        assertThat(texts(d.get("condition_fields"))).containsExactly("evt.dir", "evt.type", "proc.cwd", "proc.name",
                "proc.pname");
        assertThat(texts(d.get("condition_operators"))).containsExactly("=", "in", "startswith");
        assertThat(texts(d.get("exception_fields"))).containsExactly("proc.cwd", "proc.pname");
        assertThat(texts(d.get("exception_names"))).containsExactly("known_parents");
        assertThat(texts(d.get("exception_operators"))).containsExactly("=", "startswith");
        assertThat(texts(d.get("events"))).containsExactly("asyncevent", "execve");
        assertThat(texts(d.get("output_fields"))).containsExactly("user.name", "proc.cmdline");
        assertThat(d.get("output_compiled").asText()).isEqualTo("shell (user=%user.name cmd=%proc.cmdline)");
        assertThat(d.get("condition_compiled").asText()).contains("proc.pname in (bash, sh)")
                .contains("proc.pname = cron").contains("proc.cwd startswith /tmp");
        assertThat(d.get("plugins")).isEmpty();
    }

    @Test
    void json_genericSyscallRule_eventsNameTheSyscall() {
        JsonNode madvise = RulesDescription.json(load(), "Madvise");
        assertThat(keys(madvise)).containsExactly("rules");
        JsonNode rule = madvise.get("rules").get(0);
        assertThat(texts(rule.get("details").get("events"))).containsExactly("asyncevent", "madvise");
        assertThat(rule.get("info").get("enabled").asBoolean()).isFalse();
    }

    @Test
    void json_pluginSourceRule_pluginAndAsyncEvents() {
        String rules = """
                - rule: K8s create
                  desc: d
                  condition: ka.verb = create
                  output: "created (user=%ka.user.name)"
                  priority: INFO
                  source: k8s_audit
                """;
        LoadOutcome outcome = RulesLoader.load(List.of(new RulesSource("k8s.yaml", rules)), LoadOptions.defaults());
        JsonNode rule = RulesDescription.json(outcome.ruleset().orElseThrow(), "K8s create").get("rules").get(0);
        assertThat(texts(rule.get("details").get("events"))).containsExactly("asyncevent", "pluginevent");
        assertThat(texts(rule.get("details").get("condition_fields"))).containsExactly("ka.verb");
        assertThat(texts(rule.get("details").get("output_fields"))).containsExactly("ka.user.name");
        assertThat(rule.get("info").get("source").asText()).isEqualTo("k8s_audit");
    }

    @Test
    void json_unknownRule_falcosMessage() {
        Ruleset ruleset = load();
        assertThatThrownBy(() -> RulesDescription.json(ruleset, "nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Rule \"nope\" is not loaded");
    }
}
