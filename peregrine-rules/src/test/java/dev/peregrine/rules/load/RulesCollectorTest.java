package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RulesCollectorTest {
    private static final String BASE = """
            - list: shells
              items: [bash, sh]
            - macro: spawned
              condition: evt.type = execve
            - rule: Shell
              desc: a shell
              condition: spawned and proc.name in (shells)
              output: "shell %proc.name"
              priority: WARNING
              tags: [b, a]
            """;

    private static RulesCollector collect(String... files) {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        List<FileReport> reports = FakeSources.read(c, files);
        for (FileReport r : reports) {
            assertThat(r.result().errors()).as(r.name()).isEmpty();
        }
        return c;
    }

    private static Problem firstError(String... files) {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        return FakeSources.read(c, files).stream().flatMap(r -> r.result().errors().stream()).findFirst()
                .orElseThrow();
    }

    @Test
    void overrideAppend_condition_isJoinedWithSpace() {
        RulesCollector c = collect(BASE, """
                - rule: Shell
                  condition: and proc.pname = sshd
                  override:
                    condition: append
                """);
        assertThat(c.rule("Shell").cond).isEqualTo("spawned and proc.name in (shells) and proc.pname = sshd");
    }

    @Test
    void overrideReplace_severalKeys_replaceThem() {
        RulesCollector c = collect(BASE, """
                - rule: Shell
                  condition: evt.type = open
                  priority: debug
                  enabled: false
                  tags: [x]
                  override:
                    condition: replace
                    priority: replace
                    enabled: replace
                    tags: replace
                """);
        RuleInfo r = c.rule("Shell");
        assertThat(r.cond).isEqualTo("evt.type = open");
        assertThat(r.priority).isEqualTo(Priority.DEBUG);
        assertThat(r.enabled).isFalse();
        assertThat(r.tags).containsExactly("x");
        assertThat(r.output).isEqualTo("shell %proc.name");
    }

    @Test
    void overrideAppendAndReplace_inOneItem_bothApply() {
        RulesCollector c = collect(BASE, """
                - rule: Shell
                  desc: more
                  output: "user=%user.name"
                  override:
                    desc: append
                    output: replace
                """);
        assertThat(c.rule("Shell").desc).isEqualTo("a shell more");
        assertThat(c.rule("Shell").output).isEqualTo("user=%user.name");
    }

    @Test
    void deprecatedAppend_rule_appendsConditionAndWarns() {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        List<FileReport> reports = FakeSources.read(c, BASE, "- rule: Shell\n  condition: or proc.name = zsh\n  "
                + "append: true\n");
        assertThat(c.rule("Shell").cond).isEqualTo("spawned and proc.name in (shells) or proc.name = zsh");
        assertThat(reports.get(1).result().warnings()).extracting(Problem::message)
                .containsExactly(RulesCollector.WARNING_APPEND);
    }

    @Test
    void appendList_andMacro_extendDefinitions() {
        RulesCollector c = collect(BASE, """
                - list: shells
                  items: [zsh]
                  override:
                    items: append
                - macro: spawned
                  condition: or evt.type = execveat
                  append: true
                """);
        assertThat(c.list("shells").items).containsExactly("bash", "sh", "zsh");
        assertThat(c.macro("spawned").cond).isEqualTo("evt.type = execve or evt.type = execveat");
        assertThat(c.macro("spawned").index).isLessThan(c.macro("spawned").visibility);
    }

    @Test
    void redefinition_replacesWholeItemButKeepsPlace() {
        RulesCollector c = collect(BASE, "- list: shells\n  items: [fish]\n");
        assertThat(c.list("shells").items).containsExactly("fish");
        assertThat(c.list("shells").index).isZero();
    }

    @Test
    void enabledOnly_togglesExistingRuleAndWarnsDeprecated() {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        List<FileReport> reports = FakeSources.read(c, BASE, "- rule: Shell\n  enabled: false\n");
        assertThat(c.rule("Shell").enabled).isFalse();
        assertThat(reports.get(1).result().warnings()).extracting(Problem::code)
                .containsExactly(LoadCode.LOAD_DEPRECATED_ITEM);
    }

    @Test
    void enabledOnly_missingRule_isError() {
        assertThat(firstError("- rule: Nope\n  enabled: false\n").message())
                .isEqualTo("Rule has 'enabled' key but no rule by that name already exists");
    }

    @Test
    void overrideOfMissingRule_reportsFalcoMessages() {
        Problem append = firstError("- rule: Nope\n  condition: x\n  override:\n    condition: append\n");
        assertThat(append.code()).isEqualTo(LoadCode.LOAD_ERR_VALIDATE);
        assertThat(append.message()).isEqualTo(RulesCollector.ERROR_NO_PREVIOUS_RULE_APPEND);
        assertThat(append.location().itemName()).isEqualTo("Nope");
        assertThat(firstError("- rule: Nope\n  condition: x\n  override:\n    condition: replace\n").message())
                .isEqualTo(RulesCollector.ERROR_NO_PREVIOUS_RULE_REPLACE);
        assertThat(firstError("- macro: m\n  condition: x\n  override:\n    condition: append\n").message())
                .isEqualTo(RulesCollector.ERROR_NO_PREVIOUS_MACRO);
        assertThat(firstError("- list: l\n  items: [x]\n  append: true\n").message())
                .isEqualTo(RulesCollector.ERROR_NO_PREVIOUS_LIST);
    }

    @Test
    void override_invalidKeysAndOperations_rejected() {
        assertThat(firstError(BASE, "- rule: Shell\n  priority: INFO\n  override:\n    priority: append\n")
                .message()).isEqualTo("Key 'priority' cannot be appended to, use 'replace' instead");
        assertThat(firstError(BASE, "- rule: Shell\n  source: x\n  override:\n    source: replace\n").message())
                .isEqualTo("Key 'source' cannot be replaced");
        assertThat(firstError(BASE, "- rule: Shell\n  desc: x\n  override:\n    desc: merge\n").message())
                .isEqualTo("Invalid override operation for key 'desc': 'merge'. Allowed values are: append replace ");
        assertThat(firstError(BASE, "- rule: Shell\n  desc: x\n  output: y\n  override:\n    desc: append\n")
                .message()).isEqualTo("Unexpected key 'output': no corresponding entry under 'override' is defined.");
        assertThat(firstError(BASE, "- rule: Shell\n  override:\n    desc: append\n").message())
                .isEqualTo("An append override for 'desc' was specified but 'desc' is not defined");
        assertThat(firstError(BASE, "- rule: Shell\n  desc: x\n  append: true\n  override:\n    desc: append\n")
                .message()).isEqualTo(RulesCollector.ERROR_OVERRIDE_APPEND);
    }

    @Test
    void appendWithoutConditionOrExceptions_isError() {
        assertThat(firstError(BASE, "- rule: Shell\n  append: true\n").message())
                .isEqualTo("Appended rule must have exceptions or condition property");
    }

    @Test
    void redefinitionWithDifferentSource_isError() {
        assertThat(firstError(BASE, BASE.substring(BASE.indexOf("- rule")) + "  source: k8s_audit\n").message())
                .isEqualTo("Rule has been re-defined with a different source");
    }

    @Test
    void unknownSource_warnsAndMarksRule() {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        FileReport r = FakeSources.read(c, BASE + "  source: aws_cloudtrail\n").getFirst();
        assertThat(c.rule("Shell").unknownSource).isTrue();
        assertThat(r.result().warnings()).extracting(Problem::message)
                .containsExactly("Unknown source aws_cloudtrail, skipping");
    }

    @Test
    void exceptionAppend_valuesAddedToExistingException() {
        RulesCollector c = collect(BASE + """
                  exceptions:
                    - name: by_parent
                      fields: [proc.pname, fd.name]
                      comps: [=, startswith]
                      values:
                        - [sshd, /tmp]
                """, """
                - rule: Shell
                  exceptions:
                    - name: by_parent
                      values:
                        - [cron, /var/tmp dir]
                    - name: by_name
                      fields: proc.name
                      values: [ksh, "my shell"]
                  override:
                    exceptions: append
                """);
        RuleInfo r = c.rule("Shell");
        var fields = new TreeSet<String>();
        String cond;
        try {
            cond = ExceptionConditions.build(r.exceptions, fields, r.cond);
        } catch (RuleLoadException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        assertThat(cond).isEqualTo("(spawned and proc.name in (shells)) and not (( proc.pname = sshd and  fd.name "
                + "startswith /tmp) or ( proc.pname = cron and  fd.name startswith \"/var/tmp dir\")) and not "
                + "(proc.name in (ksh, \"my shell\"))");
        assertThat(fields).containsExactly("fd.name", "proc.name", "proc.pname");
    }

    @Test
    void exceptionValidation_reportsFalcoMessages() {
        String rule = BASE + "  exceptions:\n    - name: ex1\n";
        assertThat(firstError(rule + "      fields: [proc.name, fd.name]\n      comps: [=]\n").message())
                .isEqualTo("Fields and comps lists must have equal length");
        assertThat(firstError(rule + "      fields: [proc.name]\n      comps: [no-comp]\n").message())
                .isEqualTo("'no-comp' is not a supported comparison operator");
        assertThat(firstError(rule + "      fields: [not.exist]\n").message())
                .isEqualTo("'not.exist' is not a supported filter field");
        assertThat(firstError(rule + "      fields: proc.name\n      comps: =\n").message())
                .isEqualTo("When fields is a single value, comps must be one of (in, pmatch, intersects) or a "
                        + "modifier operator (e.g. startswith oneof)");
        assertThat(firstError(rule + "      fields: proc.name\n      comps: [in]\n").message())
                .isEqualTo("Fields and comps must both be strings");
        Problem noFields = firstError(rule + "      values: []\n");
        assertThat(noFields.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_VALIDATE);
        assertThat(noFields.message()).isEqualTo("Item has no mapping for key 'fields'");
        assertThat(noFields.location().itemType()).isEqualTo(ItemType.EXCEPTION);
        assertThat(noFields.location().itemName()).isEqualTo("ex1");
    }

    @Test
    void exceptionComps_modifierAndPaddedOperators_accepted() {
        RulesCollector c = collect(BASE + """
                  exceptions:
                    - name: ex
                      fields: [proc.name, fd.name]
                      comps: [" in ", startswith oneof]
                      values: [[a, b]]
                """);
        assertThat(c.rule("Shell").exceptions.getFirst().comps.items).extracting(e -> e.item)
                .containsExactly("in", "startswith oneof");
    }

    @Test
    void exceptionCondition_listOperatorValuesAreParenthesised() throws RuleLoadException {
        RulesCollector c = collect(BASE + """
                  exceptions:
                    - name: ex
                      fields: [proc.name, fd.name]
                      comps: [in, pmatch]
                      values: [[shells, (/etc)], [[a, b c], /tmp]]
                """);
        RuleInfo r = c.rule("Shell");
        String cond = ExceptionConditions.build(r.exceptions, new TreeSet<>(), "c");
        assertThat(cond).isEqualTo("(c) and not (( proc.name in (shells) and  fd.name pmatch (/etc)) or ( proc.name "
                + "in (a, \"b c\") and  fd.name pmatch (/tmp)))");
    }

    @Test
    void exceptionCondition_noValues_addsNothing() throws RuleLoadException {
        RulesCollector c = collect(BASE + "  exceptions:\n    - name: ex\n      fields: [proc.name]\n");
        assertThat(ExceptionConditions.build(c.rule("Shell").exceptions, new TreeSet<>(), "c")).isEqualTo("(c)");
    }

    @Test
    void exceptionCondition_valuesLengthMismatch_isError() {
        RulesCollector c = collect(BASE + "  exceptions:\n    - name: ex\n      fields: [proc.name, fd.name]\n"
                + "      values: [[a]]\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExceptionConditions.build(
                c.rule("Shell").exceptions, new TreeSet<>(), "c"))
                .hasMessage("Fields and values lists must have equal length");
    }
}
