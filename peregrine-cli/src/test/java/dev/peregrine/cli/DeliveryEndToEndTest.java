package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.peregrine.cli.replay.ScapReplayEngine;
import dev.peregrine.outputs.channel.UnixDatagram;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every channel gets the real alerts of a replayed capture (falco-testing's cat_write.scap with single_rule.yaml,
 * whose expected alerts are outputs/single_rule_with_cat_write.txt), through Falco's command line.
 */
class DeliveryEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path upstream;
    private List<String> expected;

    @BeforeEach
    void setUp() throws Exception {
        upstream = CliTest.upstream();
        expected = Files.readAllLines(upstream.resolve("falco-testing/outputs/single_rule_with_cat_write.txt"));
    }

    private record Run(int exit, String out, String err) {
    }

    private Run falco(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("-c", dir.resolve("falco.yaml").toString(), "-r",
                upstream.resolve("falco-testing/rules/single_rule.yaml").toString(), "-o", "engine.kind=replay", "-o",
                "engine.replay.capture_file=" + upstream.resolve("scap/cat_write.scap"), "-o",
                "append_output.suggested_output=false", "-o", "time_format_iso_8601=true"));
        args.addAll(List.of(extra));
        Invocation inv = new Invocation(Map.of(), dir, Clock.systemUTC(), ZoneOffset.UTC);
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), inv, new ScapReplayEngine(),
                args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static HttpServer sink(List<String> bodies, int status) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (status == 200) {
                bodies.add(ex.getRequestHeaders().getFirst("Content-Type") + " " + body);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        return server;
    }

    @Test
    void replay_everyChannelEnabled_eachGetsEveryAlertWithTheRightBody() throws Exception {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        HttpServer http = sink(bodies, 200);
        Path socket = dir.resolve("log.sock");
        RecordingForwarderFactory.RECEIVED.clear();
        try (UnixDatagram syslog = UnixDatagram.bind(socket, 2000)) {
            Files.writeString(dir.resolve("falco.yaml"), """
                    json_output: true
                    json_include_tags_property: false
                    log_stderr: true
                    log_syslog: false
                    stdout_output:
                      enabled: true
                    file_output:
                      enabled: true
                      keep_alive: true
                      filename: %s
                    program_output:
                      enabled: true
                      keep_alive: true
                      program: cat >> %s
                    syslog_output:
                      enabled: true
                      socket: %s
                    http_output:
                      enabled: true
                      url: http://127.0.0.1:%d/
                    forwarders:
                      recording:
                        minimumpriority: warning
                    """.formatted(dir.resolve("events.json"), dir.resolve("program.json"), socket,
                    http.getAddress().getPort()));
            Run r = falco();
            assertThat(r.exit()).as(r.err()).isZero();
            List<String> stdout = r.out().lines().toList();
            assertThat(stdout).hasSize(expected.size());
            assertThat(outputs(stdout)).containsExactlyElementsOf(expected);
            assertThat(JSON.readTree(stdout.getFirst()).get("rule").asText()).isEqualTo("open_from_cat");
            assertThat(Files.readAllLines(dir.resolve("events.json"))).containsExactlyElementsOf(stdout);
            assertThat(Files.readAllLines(dir.resolve("program.json"))).containsExactlyElementsOf(stdout);
            assertThat(bodies).containsExactlyElementsOf(stdout.stream().map(l -> "application/json " + l).toList());
            List<String> datagrams = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                datagrams.add(new String(syslog.receive(), StandardCharsets.UTF_8));
            }
            for (int i = 0; i < stdout.size(); i++) {
                // Warning is severity 4, facility user: <12>
                assertThat(datagrams.get(i)).matches("<12>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d falco: .*")
                        .endsWith(": " + stdout.get(i));
            }
            assertThat(RecordingForwarderFactory.RECEIVED).containsExactlyElementsOf(
                    expected.stream().map(e -> "open_from_cat|" + e).toList());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void replay_httpSinkDownThenBackInTheNextRun_spooledAlertsArriveOnceBeforeTheNewOnes() throws Exception {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        HttpServer probe = sink(bodies, 200);
        int port = probe.getAddress().getPort();
        probe.stop(0);
        Files.writeString(dir.resolve("falco.yaml"), """
                json_output: true
                log_stderr: true
                log_syslog: false
                http_output:
                  enabled: true
                  url: http://127.0.0.1:%d/
                delivery:
                  spool_dir: spool
                  retry_initial: 10ms
                  retry_max: 50ms
                  shutdown_timeout: 300ms
                """.formatted(port));
        Run first = falco();
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("http: delivery failed (cannot connect to http://127.0.0.1:" + port)
                .contains("http: 0 sent, ").contains(expected.size() + " undelivered (" + expected.size()
                        + " spooled for the next start)");

        HttpServer back = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        back.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        back.start();
        try {
            Run second = falco();
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.err()).contains("http: " + expected.size() + " alerts spooled in ")
                    .doesNotContain("undelivered");
        } finally {
            back.stop(0);
        }
        List<String> all = new ArrayList<>(expected);
        all.addAll(expected);
        assertThat(outputs(bodies)).containsExactlyElementsOf(all);
    }

    @Test
    void config_unknownForwarder_isAnErrorNamingTheKey() throws Exception {
        Files.writeString(dir.resolve("falco.yaml"), """
                stdout_output:
                  enabled: true
                forwarders:
                  pagerduty: {}
                """);
        Run r = falco();
        assertThat(r.exit()).isEqualTo(1);
        // known: the forwarders shipped in the jar plus this test's recording forwarder, sorted
        assertThat(r.err()).contains("Error: Config error at key \"forwarders.pagerduty\": unknown forwarder"
                + " 'pagerduty' (known: alertmanager, elasticsearch, kafka, loki, recording, slack, smtp, teams,"
                + " webhook)");
    }

    @Test
    void config_httpEnabledWithoutUrl_isFalcosError() throws Exception {
        Files.writeString(dir.resolve("falco.yaml"), """
                http_output:
                  enabled: true
                """);
        Run r = falco();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Error: Error reading config file (" + dir.resolve("falco.yaml")
                + "): http output enabled but no url in configuration block");
    }

    private static List<String> outputs(List<String> jsonLines) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : jsonLines) {
            JsonNode n = JSON.readTree(l);
            out.add(n.get("output").asText());
        }
        return out;
    }
}
