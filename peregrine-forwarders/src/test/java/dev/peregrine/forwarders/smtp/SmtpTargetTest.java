package dev.peregrine.forwarders.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.peregrine.forwarders.ReplayedAlerts;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against GreenMail, a real SMTP server in-process on 127.0.0.1. */
class SmtpTargetTest {
    private GreenMail mail;

    @BeforeEach
    void startServer() {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("falco@example.com", "falco", "s3cret"));
        mail.start();
    }

    @AfterEach
    void stopServer() {
        mail.stop();
    }

    private AlertTarget target(Map<String, Object> options) {
        Map<String, Object> o = new HashMap<>(Map.of("hostport", "127.0.0.1:" + mail.getSmtp().getPort(),
                "tls", false, "from", "falco@example.com", "to", "soc@example.com, oncall@example.com",
                "user", "falco", "password", "s3cret"));
        o.putAll(options);
        return new SmtpFactory().create(o).target();
    }

    /** SMTP carries lines ending in CRLF; the body is written with LF. */
    private static String lf(Object content) {
        return ((String) content).replace("\r\n", "\n");
    }

    @Test
    void deliver_htmlDefault_sendsMultipartAlternativeToEveryRecipient() throws Exception {
        FormattedAlert alert = ReplayedAlerts.json().getFirst();
        try (AlertTarget target = target(Map.of())) {
            target.deliver(List.of(alert));
        }
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received).hasSize(2); // one copy per recipient mailbox
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("[Warning] " + alert.output());
        assertThat(Arrays.stream(m.getFrom()).map(Address::toString)).containsExactly("falco@example.com");
        assertThat(Arrays.stream(m.getAllRecipients()).map(Address::toString))
                .containsExactly("soc@example.com", "oncall@example.com");
        assertThat(m.getSentDate().getTime()).isEqualTo(ReplayedAlerts.FIRST_TIME_NANOS / 1_000_000L / 1000 * 1000);
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        BodyPart text = parts.getBodyPart(0);
        assertThat(text.getContentType()).startsWith("text/plain");
        assertThat(lf(text.getContent())).isEqualTo("""
                Priority: Warning
                Output: %s
                Rule: open_from_cat
                Source: syscall
                Hostname: test-falco-hostname
                Tags: filesystem process testing\s
                Time: 2016-08-04 16:17:57.881781397 +0000 UTC

                --Fields--
                evt.time.iso8601: %d
                proc.cmdline: cat /dev/null

                """.formatted(alert.output(), ReplayedAlerts.FIRST_TIME_NANOS));
        BodyPart html = parts.getBodyPart(1);
        assertThat(html.getContentType()).startsWith("text/html");
        assertThat((String) html.getContent()).contains("<th align=\"left\">Rule</th><td>open_from_cat</td>")
                .contains("<th align=\"left\">proc.cmdline</th><td>cat /dev/null</td>")
                .contains("background:#ffff00");
    }

    @Test
    void deliver_textFormatWithoutAuth_sendsPlainText() throws Exception {
        try (AlertTarget target = target(Map.of("outputformat", "text", "authmechanism", "none",
                "to", "soc@example.com"))) {
            target.deliver(ReplayedAlerts.text().subList(0, 3));
        }
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received).hasSize(3);
        assertThat(received[0].getContentType()).startsWith("text/plain");
        assertThat(lf(received[2].getContent())).contains("Rule: open_from_cat\n");
    }

    @Test
    void deliver_wrongPassword_isNotRetryable() {
        try (AlertTarget target = target(Map.of("password", "wrong"))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("refused the credentials")
                    .hasMessageContaining("check authmechanism, user and password");
        }
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void deliver_startTlsRequiredButNotOffered_isNotRetryable() {
        try (AlertTarget target = target(Map.of("tls", true))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("STARTTLS").hasMessageContaining("tls: false");
        }
    }

    @Test
    void deliver_serverDown_isRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (AlertTarget target = target(Map.of("hostport", "127.0.0.1:" + port))) {
            assertThatThrownBy(() -> target.deliver(List.of(ReplayedAlerts.json().getFirst())))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("smtp: cannot send through 127.0.0.1:" + port);
        }
    }

    @Test
    void create_badOptions_nameTheOption() {
        SmtpFactory f = new SmtpFactory();
        assertThatThrownBy(() -> f.create(Map.of("hostport", "mail.example.com", "from", "a@b.c", "to", "d@e.f")))
                .hasMessage("forwarders.smtp.hostport: 'mail.example.com' is not host:port");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "mail:25", "from", "a@b.c", "to", "d@e.f")))
                .hasMessageStartingWith("forwarders.smtp.user: missing (authmechanism: plain needs user");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "mail:25", "from", "a@b.c", "to", "",
                "authmechanism", "none"))).hasMessage("forwarders.smtp.to: missing");
        assertThatThrownBy(() -> f.create(Map.of("hostport", "mail:25", "from", "not an address", "to", "d@e.f",
                "authmechanism", "none"))).hasMessageStartingWith("forwarders.smtp.from: 'not an address' is not");
    }
}
