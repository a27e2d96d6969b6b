package dev.peregrine.rules.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SemVerTest {
    @Test
    void parse_likeSscanf_ignoresTrailingText() {
        assertThat(SemVer.parse("0.10.0-rc1")).contains(new SemVer(0, 10, 0));
        assertThat(SemVer.parse(" 1. 2.3")).contains(new SemVer(1, 2, 3));
        assertThat(SemVer.parse("not-a-number")).isEmpty();
        assertThat(SemVer.parse("1.2")).isEmpty();
    }

    @Test
    void compatibleWith_sameMajorNotOlder() {
        SemVer provided = new SemVer(0, 6, 0);
        assertThat(provided.compatibleWith(new SemVer(0, 4, 0))).isTrue();
        assertThat(provided.compatibleWith(new SemVer(0, 6, 0))).isTrue();
        assertThat(provided.compatibleWith(new SemVer(0, 6, 1))).isFalse();
        assertThat(new SemVer(1, 0, 0).compatibleWith(new SemVer(0, 4, 0))).isFalse();
    }

    @Test
    void pluginRequirement_alternativesAndMessages() {
        var ctx = Context.root("f");
        var k8s = new RulesCollector.PluginAlternatives(List.of(
                new RulesCollector.PluginRequirement("k8saudit-eks", "0.12.0"),
                new RulesCollector.PluginRequirement("k8saudit", "0.18.0")), ctx);
        assertThat(RulesLoader.checkPluginRequirement(k8s)).isEmpty();
        var tooNew = new RulesCollector.PluginAlternatives(List.of(
                new RulesCollector.PluginRequirement("container", "0.7.0")), ctx);
        assertThat(RulesLoader.checkPluginRequirement(tooNew)).contains("Plugin 'container' version '0.6.0' is not "
                + "compatible with required plugin version '0.7.0'");
        var missing = new RulesCollector.PluginAlternatives(List.of(
                new RulesCollector.PluginRequirement("cloudtrail", "0.1.0"),
                new RulesCollector.PluginRequirement("okta", "0.2.0")), ctx);
        assertThat(RulesLoader.checkPluginRequirement(missing)).contains("Plugin requirement not satisfied, must "
                + "load one of: cloudtrail (>= 0.1.0), okta (>= 0.2.0)");
    }

    @Test
    void priority_parse_caseInsensitiveWithInfoAlias() {
        assertThat(Priority.parse("WARNING")).contains(Priority.WARNING);
        assertThat(Priority.parse("info")).contains(Priority.INFORMATIONAL);
        assertThat(Priority.parse("iNfOrMaTiOnAl")).contains(Priority.INFORMATIONAL);
        assertThat(Priority.parse("warn")).isEmpty();
        assertThat(Priority.ERROR.atLeast(Priority.WARNING)).isTrue();
        assertThat(Priority.NOTICE.atLeast(Priority.WARNING)).isFalse();
    }

    @Test
    void wildcard_asFalco() {
        assertThat(RuleSelector.matchesWildcard("*", "anything")).isTrue();
        assertThat(RuleSelector.matchesWildcard("Write*", "Write below etc")).isTrue();
        assertThat(RuleSelector.matchesWildcard("*below*", "Write below etc")).isTrue();
        assertThat(RuleSelector.matchesWildcard("*below", "Write below etc")).isFalse();
        assertThat(RuleSelector.matchesWildcard("Write below etc", "Write below etc")).isTrue();
        assertThat(RuleSelector.matchesWildcard("Write", "Write below etc")).isFalse();
        assertThat(RuleSelector.matchesWildcard("W*e*c", "Write below etc")).isTrue();
    }
}
