package dev.peregrine.forwarders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.outputs.format.FormattedAlert;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class FalcoPayloadTest {
    @Test
    void of_jsonAlert_takesHostnameAndTypedFieldsFromTheLine() {
        FormattedAlert alert = ReplayedAlerts.json().getFirst();
        FalcoPayload p = FalcoPayload.of(alert, "ignored");
        assertThat(p.hostname()).isEqualTo(ReplayedAlerts.HOSTNAME);
        assertThat(p.outputFields().get("evt.time.iso8601"))
                .isEqualTo(BigInteger.valueOf(ReplayedAlerts.FIRST_TIME_NANOS));
        assertThat(p.outputFields().get("proc.cmdline")).isEqualTo("cat /dev/null");
        assertThat(p.time()).isEqualTo("2016-08-04T16:17:57.881781397Z");
        assertThat(p.goTime()).isEqualTo("2016-08-04 16:17:57.881781397 +0000 UTC");
    }

    @Test
    void of_textAlert_usesGivenHostnameAndTextFields() {
        FalcoPayload p = FalcoPayload.of(ReplayedAlerts.text().getFirst(), "node-1");
        assertThat(p.hostname()).isEqualTo("node-1");
        assertThat(p.outputFields()).containsOnlyKeys("proc.cmdline");
    }

    @Test
    void uuid_isStablePerAlertAndDistinctAcrossAlerts() {
        FormattedAlert a = ReplayedAlerts.json().get(0);
        FormattedAlert b = ReplayedAlerts.json().get(1);
        assertThat(FalcoPayload.of(a, "h").uuid()).isEqualTo(FalcoPayload.of(a, "h").uuid())
                .isNotEqualTo(FalcoPayload.of(b, "h").uuid());
    }

    @Test
    void toJson_keepsFalcosidekickFieldOrder() {
        String json = FalcoPayload.of(ReplayedAlerts.text().getFirst(), "h").toJson();
        assertThat(json).startsWith("{\"uuid\":\"").contains("\",\"output\":\"", "\",\"priority\":\"Warning\","
                + "\"rule\":\"open_from_cat\",\"time\":\"2016-08-04T16:17:57.881781397Z\",\"output_fields\":{"
                + "\"proc.cmdline\":\"cat /dev/null\"},\"source\":\"syscall\",\"tags\":[\"filesystem\",\"process\","
                + "\"testing\"],\"hostname\":\"h\"}");
    }

    @Test
    void messageTemplate_supportedActions_render() {
        ForwarderOptions o = ForwarderOptions.of("slack", java.util.Map.of());
        MessageTemplate t = MessageTemplate.parse(o, "messageformat",
                "{{.Priority}} {{ .Rule }} on {{ .Hostname }} ({{ .Source }}): {{ index .OutputFields \"x.y\" }}");
        assertThat(t.render(FalcoPayload.of(ReplayedAlerts.text().getFirst(), "h")))
                .isEqualTo("Warning open_from_cat on h (syscall): <no value>");
    }
}
