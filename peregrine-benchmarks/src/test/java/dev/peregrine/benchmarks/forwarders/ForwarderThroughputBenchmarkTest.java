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
    void replayedAlerts_comeFromTheCapture() throws Exception {
        assertThat(ForwarderThroughputBenchmark.replayedAlerts()).hasSize(8)
                .allSatisfy(a -> assertThat(a.rule()).isEqualTo("open_from_cat"));
    }
}
