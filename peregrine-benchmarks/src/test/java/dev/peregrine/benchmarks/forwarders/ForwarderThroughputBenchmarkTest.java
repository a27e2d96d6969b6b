package dev.peregrine.benchmarks.forwarders;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Setup plus one operation of the forwarder benchmark, so it cannot rot unnoticed. */
class ForwarderThroughputBenchmarkTest {
    @Test
    void deliver_webhook_postsEveryAlertOfTheOperation() throws Exception {
        ForwarderThroughputBenchmark b = new ForwarderThroughputBenchmark();
        b.target = "webhook";
        b.setup();
        try {
            b.deliver();
            assertThat(b.httpRequestsReceived()).isEqualTo(ForwarderThroughputBenchmark.ALERTS_PER_OP);
        } finally {
            b.tearDown();
        }
    }

    @Test
    void webhookOverheadMain_fewAlerts_printsBothFiguresAndTheRatio() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            WebhookOverheadMain.main(new String[] {"5", "5"});
        } finally {
            System.setOut(saved);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                .matches("(?s)alerts 5: bare HttpClient \\d+ us/alert .* webhook forwarder \\d+ us/alert .* ratio "
                        + "\\d+\\.\\d\\d\\R");
    }

    @Test
    void replayedAlerts_comeFromTheCapture() throws Exception {
        assertThat(ForwarderThroughputBenchmark.replayedAlerts()).hasSize(8)
                .allSatisfy(a -> assertThat(a.rule()).isEqualTo("open_from_cat"));
    }
}
