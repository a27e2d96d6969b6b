package dev.peregrine.outputs.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelTargetsTest {
    @TempDir
    Path dir;

    private static FormattedAlert alert(String line, Priority p) {
        return new FormattedAlert(line, "r", p, "syscall", List.of(), 1L, line, Map.of());
    }

    @Test
    void stdout_unbuffered_writesAndFlushesEachBatch() {
        StringWriter sw = new StringWriter();
        StdoutTarget t = new StdoutTarget(new PrintWriter(sw, false), false);
        t.deliver(List.of(alert("a", Priority.WARNING), alert("b", Priority.WARNING)));
        assertThat(sw.toString()).isEqualTo("a\nb\n");
    }

    @Test
    void file_keepAliveOrNot_appendsEveryAlert() throws Exception {
        for (boolean keepAlive : new boolean[] {true, false}) {
            Path f = dir.resolve("alerts-" + keepAlive + ".txt");
            Files.writeString(f, "old\n");
            try (FileTarget t = new FileTarget(f, keepAlive, false)) {
                t.deliver(List.of(alert("a", Priority.WARNING)));
                t.deliver(List.of(alert("b", Priority.WARNING)));
            }
            assertThat(Files.readString(f)).isEqualTo("old\na\nb\n");
        }
    }

    @Test
    void file_keepAliveRotatedByRename_reopensAndWritesTheNewFile() throws Exception {
        Path f = dir.resolve("events.txt");
        try (FileTarget t = new FileTarget(f, true, false)) {
            t.deliver(List.of(alert("a", Priority.WARNING)));
            Files.move(f, dir.resolve("events.txt.1"));
            t.deliver(List.of(alert("b", Priority.WARNING)));
            assertThat(t.reopened()).isEqualTo(1);
        }
        assertThat(Files.readString(dir.resolve("events.txt.1"))).isEqualTo("a\n");
        assertThat(Files.readString(f)).isEqualTo("b\n");
    }

    @Test
    void file_missingDirectory_failsRetryably() {
        FileTarget t = new FileTarget(dir.resolve("no/such/dir/f.txt"), false, false);
        assertThatThrownBy(() -> t.deliver(List.of(alert("a", Priority.WARNING))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("cannot write " + dir.resolve("no/such/dir/f.txt"));
    }

    @Test
    void program_keepAliveProgramDies_isRestartedAndGetsTheNextAlert() throws Exception {
        Path f = dir.resolve("out.txt");
        StringWriter sw = new StringWriter();
        // reads one line and exits: the second batch finds it dead
        try (ProgramTarget t = new ProgramTarget("head -n 1 >> " + f, true, new PrintWriter(sw))) {
            t.deliver(List.of(alert("a", Priority.WARNING)));
            Thread.sleep(200);
            t.deliver(List.of(alert("b", Priority.WARNING)));
            t.close();
            assertThat(t.restarts()).isEqualTo(1);
        }
        assertThat(Files.readString(f)).isEqualTo("a\nb\n");
    }

    @Test
    void program_stdout_goesToTheGivenWriter() {
        StringWriter sw = new StringWriter();
        try (ProgramTarget t = new ProgramTarget("cat", false, new PrintWriter(sw))) {
            t.deliver(List.of(alert("x", Priority.WARNING)));
        } catch (DeliveryException e) {
            throw new AssertionError(e);
        }
        assertThat(sw.toString()).isEqualTo("x\n");
    }

    @Test
    void syslog_alert_sendsGlibcFormatWithFalcoSeverity() throws Exception {
        Path sock = dir.resolve("log.sock");
        Instant t0 = Instant.parse("2026-11-06T07:08:09Z");
        try (UnixDatagram receiver = UnixDatagram.bind(sock, 2000);
                SyslogTarget t = new SyslogTarget(sock, "falco", ZoneOffset.UTC, () -> t0)) {
            t.deliver(List.of(alert("07:08:09.000000000: Critical boom", Priority.CRITICAL)));
            t.deliver(List.of(alert("dbg", Priority.DEBUG)));
            assertThat(new String(receiver.receive(), StandardCharsets.UTF_8))
                    .isEqualTo("<10>Nov  6 07:08:09 falco: 07:08:09.000000000: Critical boom");
            assertThat(new String(receiver.receive(), StandardCharsets.UTF_8)).isEqualTo("<15>Nov  6 07:08:09 falco: dbg");
        }
    }

    @Test
    void syslog_noSocket_failsWithoutRetry() {
        SyslogTarget t = new SyslogTarget(dir.resolve("absent.sock"), "falco", ZoneOffset.UTC, Instant::now);
        assertThatThrownBy(() -> t.deliver(List.of(alert("a", Priority.WARNING))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage("no syslog socket at " + dir.resolve("absent.sock"));
    }

    @Test
    void syslog_severity_followsFalcoPriorities() {
        assertThat(List.of(Priority.values())).extracting(SyslogTarget::severity)
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void http_jsonAlert_postsTheLineWithFalcoHeaders() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + ex.getRequestHeaders().getFirst("User-Agent") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            StringWriter echo = new StringWriter();
            HttpTarget.Options o = HttpTarget.Options.of(url);
            o = new HttpTarget.Options(url, o.userAgent(), true, HttpTarget.Tls.systemDefaults(), true, false,
                    Duration.ofSeconds(2), Duration.ofSeconds(2));
            try (HttpTarget t = new HttpTarget(o, new PrintWriter(echo))) {
                t.deliver(List.of(alert("{\"rule\":\"r\"}", Priority.WARNING)));
            }
            assertThat(seen).containsExactly("POST application/json falcosecurity/falco {\"rule\":\"r\"}");
            assertThat(echo.toString()).isEqualTo("ok");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void http_statuses_classifyRetryable() throws Exception {
        for (int status : new int[] {500, 503, 429, 400, 404}) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            server.start();
            try (HttpTarget t = new HttpTarget(HttpTarget.Options.of(URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/")), new PrintWriter(new StringWriter()))) {
                assertThatThrownBy(() -> t.deliver(List.of(alert("{}", Priority.WARNING))))
                        .isInstanceOfSatisfying(DeliveryException.class, e -> {
                            assertThat(e.retryable()).as("status " + status).isEqualTo(status >= 429);
                            assertThat(e.maybeDelivered()).isFalse();
                        }).hasMessageStartingWith("HTTP " + status + " from http://127.0.0.1:");
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void http_nobodyListening_failsRetryablyAndSurelyUndelivered() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (HttpTarget t = new HttpTarget(HttpTarget.Options.of(URI.create("http://127.0.0.1:" + port + "/")),
                new PrintWriter(new StringWriter()))) {
            assertThatThrownBy(() -> t.deliver(List.of(alert("{}", Priority.WARNING))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.maybeDelivered()).isFalse();
                    }).hasMessageStartingWith("cannot connect to http://127.0.0.1:" + port + "/");
        }
    }

    @Test
    void http_missingCaFile_failsAtConstructionNamingTheFile() {
        HttpTarget.Options o = HttpTarget.Options.of(URI.create("https://127.0.0.1:1/"));
        HttpTarget.Options withCa = new HttpTarget.Options(o.url(), o.userAgent(), true, new HttpTarget.Tls(false,
                dir.resolve("ca.pem").toString(), "", HttpTarget.SYSTEM_CA_PATH, false, "", ""), false, false,
                o.connectTimeout(), o.timeout());
        assertThatThrownBy(() -> new HttpTarget(withCa, new PrintWriter(new StringWriter())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http_output: cannot set up TLS: no such file: " + dir.resolve("ca.pem"));
    }
}
