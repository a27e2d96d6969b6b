package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPipelineTest {
    private final SyscallBinding binding = new SyscallBinding();
    private final ReplayPipeline pipeline = new ReplayPipeline("test-falco-hostname", ZoneOffset.UTC);

    static Ruleset load(SyscallBinding binding, List<RulesSource> sources) {
        LoadOutcome outcome = RulesLoader.load(sources,
                LoadOptions.defaults().withBinding(binding).withRuleMatching(RuleMatching.ALL));
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
        return outcome.ruleset().orElseThrow();
    }

    static Ruleset rule(SyscallBinding binding, String condition) {
        return load(binding, List.of(new RulesSource("test.yaml", "- rule: x\n  desc: x\n  condition: "
                + quote(condition) + "\n  output: \"%evt.num %evt.type %proc.name %fd.name\"\n  priority: WARNING\n")));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private List<CollectedAlert> replay(String capture, Ruleset ruleset) throws IOException {
        CollectingSink sink = new CollectingSink();
        ReplayStats stats = pipeline.replay(Upstream.capture(capture), ruleset, binding, sink);
        assertThat(stats.problem()).isEmpty();
        assertThat(stats.alerts()).isEqualTo(sink.alerts().size());
        return sink.alerts();
    }

    @Test
    void replay_openByCatOnCatWrite_firesEightTimes() throws IOException {
        var alerts = replay("cat_write.scap", rule(binding, "evt.type=open and proc.name in (cat)"));
        assertThat(alerts).hasSize(8);
        assertThat(alerts).allSatisfy(a -> assertThat(a.output()).contains(" open cat "));
    }

    @Test
    void replay_madviseOnSyscallScap_firesTwice() throws IOException {
        assertThat(replay("syscall.scap", rule(binding, "evt.type=madvise"))).hasSize(2);
    }

    @Test
    void replay_openDevNullOnSyscallScap_firesTwice() throws IOException {
        var alerts = replay("syscall.scap", rule(binding, "evt.type=open and fd.name=/dev/null"));
        assertThat(alerts).hasSize(2);
        assertThat(alerts).allSatisfy(a -> assertThat(a.output()).endsWith(" /dev/null"));
    }

    @Test
    void replay_connectToLocalNet_fires() throws IOException {
        var alerts = replay("connect_localhost.scap",
                rule(binding, "evt.type=connect and fd.net in (\"127.0.0.1/24\")"));
        assertThat(alerts).isNotEmpty();
    }

    @Test
    void replay_stableRulesetOnEmptyCapture_noAlert() throws IOException {
        Ruleset stable = load(binding, List.of(BundledRules.stable()));
        assertThat(replay("empty.scap", stable)).isEmpty();
    }
}
