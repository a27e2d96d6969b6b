package dev.peregrine.forwarders.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.forwarders.LoopbackHttpServer;
import dev.peregrine.forwarders.ReplayedAlerts;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AlertTarget target(String hostport, Map<String, Object> options) {
        Map<String, Object> o = new HashMap<>(options);
        o.put("hostport", hostport);
        return new AlertmanagerFactory().create(o).target();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> map(JsonNode node) {
        return JSON.convertValue(node, Map.class);
    }

    @Test
    void deliver_batch_postsArrayOfAlertsWithFalcosidekickLabels() throws Exception {
        List<FormattedAlert> alerts = ReplayedAlerts.json();
        try (LoopbackHttpServer server = new LoopbackHttpServer().respondByDefault(200, "");
                AlertTarget target = target(server.url(""), Map.of())) {
            target.deliver(alerts);
            assertThat(server.requests()).hasSize(1);
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/api/v2/alerts");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.isArray()).isTrue();
            assertThat(body).hasSize(alerts.size());
            JsonNode first = body.get(0);
            assertThat(first.fieldNames()).toIterable().containsExactly("labels", "annotations", "startsAt");
            assertThat(map(first.get("labels"))).isEqualTo(Map.of("source", "falco", "rule", "open_from_cat",
                    "alertname", "open_from_cat", "eventsource", "syscall", "hostname", ReplayedAlerts.HOSTNAME,
                    "tags", "filesystem,process,testing", "priority", "Warning", "severity", "warning",
                    "proc_cmdline", "cat /dev/null",
                    "evt_time_iso8601", Long.toString(ReplayedAlerts.FIRST_TIME_NANOS)));
            assertThat(map(first.get("annotations"))).isEqualTo(Map.of("info", alerts.getFirst().output(),
                    "description", alerts.getFirst().output(), "summary", "open_from_cat"));
            assertThat(first.get("startsAt").asText()).isEqualTo("2016-08-04T16:17:57.881781397Z");
        }
    }

    @Test
    void deliver_customSeverityExtrasAndExpiry_areApplied() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer();
                AlertTarget target = target(server.url(""), Map.of("customseveritymap", "warning:page",
                        "extralabels", "team:sec, env:prod", "extraannotations", "runbook:https://wiki/falco",
                        "expiresafter", 300, "customheaders", Map.of("X-Org", "acme")))) {
            target.deliver(List.of(ReplayedAlerts.text().getFirst()));
            LoopbackHttpServer.Request r = server.requests().getFirst();
            assertThat(r.header("X-Org")).isEqualTo("acme");
            JsonNode alert = JSON.readTree(r.body()).get(0);
            assertThat(map(alert.get("labels"))).containsEntry("severity", "page").containsEntry("team", "sec")
                    .containsEntry("env", "prod");
            assertThat(map(alert.get("annotations"))).containsEntry("runbook", "https://wiki/falco");
            assertThat(alert.get("endsAt").asText()).isEqualTo("2016-08-04T16:22:57.881781397Z");
        }
    }

    @Test
    void deliver_syscallEventDrop_rangesDropCountAndRaisesPriority() throws Exception {
        try (LoopbackHttpServer server = new LoopbackHttpServer();
                AlertTarget target = target(server.url(""), Map.of("dropeventthresholds",
                        "100:critical, 10:emergency"))) {
            target.deliver(List.of(ReplayedAlerts.syscallEventDrop(true, 42)));
            Map<String, String> labels = map(JSON.readTree(server.requests().getFirst().body()).get(0).get("labels"));
            assertThat(labels).containsEntry("n_drops", ">10").containsEntry("n_drops_buffer_total", ">10")
                    .containsEntry("priority", "Emergency").containsEntry("severity", "critical")
                    .containsEntry("eventsource", "internal").containsEntry("ebpf_enabled", "0")
                    .doesNotContainKey("n_evts");
        }
    }

    @Test
    void deliver_twoAlertmanagers_bothReceiveAndOneFailureIsRetryable() throws Exception {
        try (LoopbackHttpServer a = new LoopbackHttpServer(); LoopbackHttpServer b = new LoopbackHttpServer()
                .respond(503, "");
                AlertTarget target = target(a.url("") + "," + b.url(""), Map.of())) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("alertmanager: 1 of 2 Alertmanagers failed: alertmanager: HTTP 503");
            target.deliver(List.of(ReplayedAlerts.json().getFirst()));
            assertThat(a.requests()).hasSize(2);
            assertThat(b.requests()).hasSize(2);
            assertThat(a.requests().get(1).body()).isEqualTo(b.requests().get(1).body());
        }
    }

    @Test
    void safeLabel_falcoFieldNames_becomePrometheusLabelNames() {
        assertThat(AlertmanagerTarget.safeLabel("proc.aname[2]")).isEqualTo("proc_aname_2");
        assertThat(AlertmanagerTarget.safeLabel("k8s.ns.name")).isEqualTo("k8s_ns_name");
    }

    @Test
    void create_badOptions_nameTheOption() {
        AlertmanagerFactory f = new AlertmanagerFactory();
        assertThatThrownBy(() -> f.create(Map.of("hostport", "http://am:9093", "customseveritymap", "loud:x")))
                .hasMessage("forwarders.alertmanager.customseveritymap: 'loud' is not a priority");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "http://am:9093", "dropeventthresholds", "many")))
                .hasMessage("forwarders.alertmanager.dropeventthresholds: 'many' is not 'count:priority'");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "")))
                .hasMessage("forwarders.alertmanager.hostport: missing");
    }
}
