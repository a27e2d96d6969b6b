package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.peregrine.cli.replay.ScapReplayEngine;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forwarder configured the way users do it, under {@code forwarders:} in falco.yaml, found through the
 * ServiceLoader in the real peregrine-forwarders module, receives the real alerts of a replayed capture.
 */
class ForwarderConfigEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void falcoYamlWebhookForwarder_replayOfCatWrite_receivesEveryAlertAsFalcosidekickPayload() throws Exception {
        Path upstream = CliTest.upstream();
        List<JsonNode> posts = Collections.synchronizedList(new ArrayList<>());
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/falco", ex -> {
            posts.add(json.readTree(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            Files.writeString(dir.resolve("falco.yaml"), """
                    stdout_output:
                      enabled: true
                    json_output: true
                    forwarders:
                      webhook:
                        address: http://127.0.0.1:%d/falco
                        minimumpriority: warning
                    """.formatted(server.getAddress().getPort()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Invocation inv = new Invocation(Map.of("FALCO_HOSTNAME", "forwarder-host"), dir, Clock.systemUTC(),
                    ZoneOffset.UTC);
            int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), inv,
                    new ScapReplayEngine(), "-c", dir.resolve("falco.yaml").toString(), "-r",
                    upstream.resolve("falco-testing/rules/single_rule_with_tags.yaml").toString(), "-o",
                    "engine.kind=replay", "-o",
                    "engine.replay.capture_file=" + upstream.resolve("scap/cat_write.scap"));

            assertThat(exit).as(err.toString()).isZero();
            assertThat(posts).hasSize(8);
            assertThat(posts).allSatisfy(p -> {
                assertThat(p.get("rule").asText()).isEqualTo("open_from_cat");
                assertThat(p.get("priority").asText()).isEqualTo("Warning");
                assertThat(p.get("hostname").asText()).isEqualTo("forwarder-host");
                assertThat(p.get("output").asText()).contains("An open was seen (command=cat ");
                assertThat(p.get("output_fields").get("proc.cmdline").asText()).startsWith("cat ");
                assertThat(p.get("tags")).isNotNull();
            });
        } finally {
            server.stop(0);
        }
    }
}
