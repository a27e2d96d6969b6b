package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReplayCommandTest {
    private static String capture(String name) {
        return CliTest.upstream().resolve("scap").resolve(name).toString();
    }

    @Test
    void replayPrint_filter_printsMatchingEventsLikeSysdig() {
        CliTest.Run r = CliTest.run("replay", "-p", "%evt.type %fd.name", capture("syscall.scap"), "evt.type=open",
                "and", "fd.name=/dev/null");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("open /dev/null", "open /dev/null");
    }

    @Test
    void replayPrint_asWritten_keepsEnterEventsOfOldLayouts() {
        CliTest.Run converted = CliTest.run("replay", "-p", "%evt.num", capture("cat_write.scap"), "proc.name=cat");
        CliTest.Run written = CliTest.run("replay", "--as-written", "-p", "%evt.num", capture("cat_write.scap"),
                "proc.name=cat");
        assertThat(written.out().lines().count()).isGreaterThan(converted.out().lines().count());
    }

    @Test
    void replayAlerts_statsAndRounds_countsEventsOfOneRound() {
        CliTest.Run once = CliTest.run("replay", "--stats", capture("cat_write.scap"));
        CliTest.Run twice = CliTest.run("replay", "--stats", "--rounds", "2", capture("cat_write.scap"));
        assertThat(once.exit()).as(once.err()).isZero();
        assertThat(once.err()).contains("peregrine: 307 events read, 0 matched, 0 alerts");
        assertThat(twice).isEqualTo(once);
    }

    @Test
    void replayAlerts_zeroRounds_errorExitOne() {
        CliTest.Run r = CliTest.run("replay", "--rounds", "0", capture("cat_write.scap"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--rounds must be at least 1");
    }

    @Test
    void replayPrint_badFilter_errorExitOne() {
        CliTest.Run r = CliTest.run("replay", "-p", "%evt.type", capture("syscall.scap"), "proc.nme=cat");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("proc.nme");
    }

    @Test
    void replayAlerts_rulesFile_eightIsoAlerts() {
        Path rules = CliTest.upstream().resolve("falco-testing/rules/single_rule.yaml");
        CliTest.Run r = CliTest.run("replay", "-r", rules.toString(), "-o", "time_format_iso_8601=true",
                capture("cat_write.scap"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(8)
                .allSatisfy(l -> assertThat(l).contains("+0000: Warning An open was seen (command=cat /dev/null"));
    }

    @Test
    void replayAlerts_bundledRulesOnEmptyCapture_noAlertNoError() {
        CliTest.Run r = CliTest.run("replay", capture("empty.scap"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void replayAlerts_throttled_oneAlertPerRuleAndSuppressedCountInSummary() {
        Path rules = CliTest.upstream().resolve("falco-testing/rules/single_rule.yaml");
        CliTest.Run r = CliTest.run("replay", "-r", rules.toString(), "-o", "delivery.throttle.max_alerts=1", "-o",
                "delivery.throttle.interval=1h", capture("cat_write.scap"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        assertThat(r.err()).contains("peregrine: throttling suppressed 7 alerts");
    }

    @Test
    void replayAlerts_httpOutputToNowhere_stdoutCompleteAndUndeliveredReported() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path rules = CliTest.upstream().resolve("falco-testing/rules/single_rule.yaml");
        CliTest.Run r = CliTest.run("replay", "-r", rules.toString(), "-o", "http_output.enabled=true", "-o",
                "http_output.url=http://127.0.0.1:" + port + "/", "-o", "delivery.shutdown_timeout=2s",
                capture("cat_write.scap"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(8);
        assertThat(r.err()).contains("peregrine: http: delivery failed (cannot connect to http://127.0.0.1:" + port)
                .contains("peregrine: http: 0 sent, ").contains("8 dropped (shutdown=8)");
    }
}
