package dev.peregrine.state.container.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Parsing of the runtimes' HTTP answers. */
class UnixHttpTest {
    static final Path SOCK = Path.of("/run/x.sock");

    private static UnixHttp.Response parse(String raw) throws IOException {
        return UnixHttp.parse(raw.getBytes(StandardCharsets.ISO_8859_1), SOCK);
    }

    @Test
    void parse_contentLength_bodyCut() throws IOException {
        UnixHttp.Response r = parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}junk");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{}");
    }

    @Test
    void parse_chunkedWithExtension_dechunked() throws IOException {
        UnixHttp.Response r = parse("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;x=y\r\n{\"a\r\n2\r\n\"}\r\n0\r\n\r\n");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"a\"}");
    }

    @Test
    void parse_notHttp_errorSaysWhat() {
        assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH\r\n\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("is not HTTP/1.x: SSH-2.0-OpenSSH");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Le")).isInstanceOf(IOException.class)
                .hasMessageContaining("no complete HTTP header");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("bad chunk size at byte");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"))
                .isInstanceOf(IOException.class).hasMessageContaining("ends before its last chunk, at byte");
    }
}
