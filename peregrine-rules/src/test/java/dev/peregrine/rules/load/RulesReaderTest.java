package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RulesReaderTest {
    private static FileLoadResult readOne(String content) {
        RulesCollector collector = new RulesCollector(FakeSources.syscall());
        return FakeSources.read(collector, content).getFirst().result();
    }

    private static final String RULE = """
            - rule: r1
              desc: d
              condition: evt.type=open
              output: o
              priority: WARNING
            """;

    @Test
    void read_illegalMapValue_reportsYamlCppWordingAndPosition() {
        FileLoadResult r = readOne("This : is : not : yaml\n");
        assertThat(r.successful()).isFalse();
        Problem p = r.errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_PARSE);
        assertThat(p.message()).isEqualTo("yaml-cpp: error at line 1, column 11: illegal map value");
        assertThat(p.location().position()).isEqualTo(new Position("f0.yaml", 0, 10, 10));
        assertThat(p.locations().getFirst().itemType()).isEqualTo(ItemType.RULES_CONTENT);
        assertThat(p.snippet()).isEqualTo("This : is : not : yaml\n          ^\n");
    }

    @Test
    void read_badEscapeInDoubleQuotes_reportsUnknownEscapeWithPosition() {
        FileLoadResult r = readOne("- rule: \"a\\qb\"\n");
        Problem p = r.errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_PARSE);
        assertThat(p.message()).isEqualTo("yaml-cpp: error at line 1, column 12: unknown escape character: q");
        assertThat(p.location().position().line()).isZero();
    }

    @Test
    void read_unterminatedFlowSequence_reportsLocatedError() {
        FileLoadResult r = readOne("- list: l\n  items: [a, b\n");
        Problem p = r.errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_PARSE);
        assertThat(p.message()).isEqualTo("yaml-cpp: error at line 3, column 1: end of sequence flow not found");
    }

    @Test
    void read_badIndentation_reportsEndOfSequenceWithPosition() {
        FileLoadResult r = readOne("- a: b\n - c\n");
        Problem p = r.errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_PARSE);
        assertThat(p.message()).isEqualTo("yaml-cpp: error at line 2, column 2: end of sequence not found");
    }

    @Test
    void read_unmappedSyntaxError_keepsSnakeyamlTextWithLineAndColumn() {
        FileLoadResult r = readOne("- a: &x b\n- c: *y\n");
        Problem p = r.errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_PARSE);
        assertThat(p.message()).isEqualTo("yaml-cpp: error at line 2, column 6: the referenced anchor is not defined: y");
        FileLoadResult r2 = readOne("- a: !!binary 12\n");
        assertThat(r2.errors()).isEmpty();
        FileLoadResult r3 = readOne("%FOO bar\n--- \n- a\n%");
        assertThat(r3.errors().getFirst().message()).startsWith("YAML error at line");
    }

    @Test
    void read_scalarDocument_isNotYaml() {
        Problem p = readOne("This is not yaml").errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_VALIDATE);
        assertThat(p.message()).isEqualTo("Rules content is not yaml");
    }

    @Test
    void read_mappingDocument_isNotArrayOfObjects() {
        Problem p = readOne("foo: bar").errors().getFirst();
        assertThat(p.message()).isEqualTo("Rules content is not yaml array of objects");
    }

    @Test
    void read_scalarItem_isUnexpectedElementType() {
        Problem p = readOne("- foo\n").errors().getFirst();
        assertThat(p.message()).isEqualTo("Unexpected element type. Each element should be a yaml associative array.");
        assertThat(p.location().itemType()).isEqualTo(ItemType.RULES_CONTENT_ITEM);
        assertThat(p.location().position()).isEqualTo(new Position("f0.yaml", 0, 2, 2));
    }

    @Test
    void read_emptyRuleName_isEmptyMapping() {
        Problem p = readOne("- rule:\n  desc: x\n").errors().getFirst();
        assertThat(p.message()).isEqualTo("Mapping for key 'rule' is empty");
        assertThat(p.location().itemType()).isEqualTo(ItemType.RULE);
    }

    @Test
    void read_ruleWithoutOutput_namesMissingKey() {
        Problem p = readOne("- rule: no output\n  desc: d\n  condition: c\n  priority: INFO\n").errors().getFirst();
        assertThat(p.message()).isEqualTo("Item has no mapping for key 'output'");
        assertThat(p.location().itemName()).isEqualTo("no output");
    }

    @Test
    void read_invalidPriority_pointsAtPriorityValue() {
        Problem p = readOne(RULE.replace("WARNING", "SEVERE")).errors().getFirst();
        assertThat(p.message()).isEqualTo("Invalid priority");
        assertThat(p.location().itemType()).isEqualTo(ItemType.RULE_PRIORITY);
        assertThat(p.location().position().line()).isEqualTo(4);
    }

    @Test
    void read_yamlCppLeniency_bareEqualsNotEqualsTagAndSeveralDocuments_load() {
        String content = """
                - rule: r1
                  desc: != after evt.type
                  condition: evt.type=open
                  output: o
                  priority: info
                  exceptions:
                    - name: e
                      fields: [proc.name]
                      comps: [=]
                      values: [[cat]]
                ---
                - list: l
                  items: [a]
                """;
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        FileReport report = FakeSources.read(c, content).getFirst();
        assertThat(report.result().errors()).isEmpty();
        assertThat(c.rule("r1").desc).isEqualTo("after evt.type");
        assertThat(c.rule("r1").priority).isEqualTo(Priority.INFORMATIONAL);
        assertThat(c.rule("r1").exceptions.getFirst().comps.items.getFirst().item).isEqualTo("=");
        assertThat(c.list("l").items).containsExactly("a");
    }

    @Test
    void read_unknownItemAndKey_warn() {
        FileLoadResult r = readOne("- foo: bar\n" + RULE + "  colour: red\n");
        assertThat(r.successful()).isTrue();
        assertThat(r.warnings()).extracting(Problem::code, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(LoadCode.LOAD_UNKNOWN_ITEM, "Unknown top level item"),
                org.assertj.core.groups.Tuple.tuple(LoadCode.LOAD_UNKNOWN_KEY,
                        "Unknown key 'colour'. The key will be ignored."));
    }

    @Test
    void read_engineVersionIntegerAndSemver_acceptedUpTo063() {
        assertThat(readOne("- required_engine_version: 15\n").successful()).isTrue();
        assertThat(readOne("- required_engine_version: 0.63.0\n").successful()).isTrue();
        Problem p = readOne("- required_engine_version: 0.64.0\n").errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_VALIDATE);
        assertThat(p.message()).isEqualTo("Rules require engine version 0.64.0, but engine version is 0.63.0");
        assertThat(readOne("- required_engine_version: 9999999\n").errors().getFirst().message())
                .isEqualTo("Rules require engine version 0.9999999.0, but engine version is 0.63.0");
    }

    @Test
    void read_engineVersionNotANumber_reportsFalcoMessage() {
        Problem p = readOne("- required_engine_version: not-a-number\n").errors().getFirst();
        assertThat(p.code()).isEqualTo(LoadCode.LOAD_ERR_YAML_VALIDATE);
        assertThat(p.message()).isEqualTo("Unable to parse engine version 'not-a-number' as a semver string. "
                + "Expected \"x.y.z\" semver format.");
        assertThat(p.location().itemType()).isEqualTo(ItemType.REQUIRED_ENGINE_VERSION);
    }

    @Test
    void read_pluginVersions_duplicateAlternativeRejected() {
        Problem p = readOne("""
                - required_plugin_versions:
                  - name: k8saudit
                    version: 0.1.0
                    alternatives:
                      - name: k8saudit
                        version: 0.2.0
                """).errors().getFirst();
        assertThat(p.message()).isEqualTo("Defined multiple alternative version requirements for plugin 'k8saudit'");
    }

    @Test
    void read_invalidMacroAndListNames_warn() {
        FileLoadResult r = readOne("- macro: 1bad\n  condition: a\n- list: \"a b\"\n  items: []\n");
        assertThat(r.warnings()).extracting(Problem::code)
                .containsExactly(LoadCode.LOAD_INVALID_MACRO_NAME, LoadCode.LOAD_INVALID_LIST_NAME);
    }

    @Test
    void read_stopsAtFirstError_butKeepsEarlierDefinitions() {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        FileReport r = FakeSources.read(c, "- list: a\n  items: [x]\n- list: b\n- list: c\n  items: [y]\n")
                .getFirst();
        assertThat(r.result().errors()).hasSize(1);
        assertThat(r.result().errors().getFirst().message()).isEqualTo("Item has no mapping for key 'items'");
        assertThat(c.list("a")).isNotNull();
        assertThat(c.list("c")).isNull();
    }

    @Test
    void read_nonScalarListItem_isRejected() {
        Problem p = readOne("- list: a\n  items: [[x]]\n").errors().getFirst();
        assertThat(p.message()).isEqualTo("sequence value is not scalar");
        assertThat(p.location().itemType()).isEqualTo(ItemType.LIST_ITEM);
    }

    @Test
    void read_booleansAsYamlCpp() {
        RulesCollector c = new RulesCollector(FakeSources.syscall());
        FakeSources.read(c, RULE + "  enabled: Off\n");
        assertThat(c.rule("r1").enabled).isFalse();
        List<Problem> errs = readOne(RULE + "  enabled: nope\n").errors();
        assertThat(errs.getFirst().message()).isEqualTo("Can't decode YAML scalar value");
    }
}
