package dev.peregrine.forwarders.smtp;

import static java.util.Objects.requireNonNull;

import dev.peregrine.forwarders.FalcoPayload;
import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * E-mail over SMTP (Jakarta Mail, Angus implementation): one message per alert, from {@code from} to every
 * {@code to} address, subject {@code [<Priority>] <output>}, dated at the alert's time, whose body lists priority,
 * output, rule, source, hostname, tags, time and the output fields as Falcosidekick's does: plain text, or with
 * {@code outputformat: html} a {@code multipart/alternative} of that text and an HTML table.
 */
public final class SmtpTarget implements AlertTarget {
    /*
     * Implementation notes:
     * - One connection per delivery: alerts by mail are rare, and a long-lived SMTP connection would be closed by the
     *   server's idle timeout anyway.
     * - Classification: SMTP replies 4xx are transient by definition (RFC 5321 §4.2.1) and retried; 5xx, rejected
     *   addresses and failed authentication are not; anything below SMTP (refused connection, timeout, I/O) is.
     */

    /** {@code outputformat}: the body's parts. */
    public enum OutputFormat {
        /** plain text and HTML (Falcosidekick's default) */
        HTML,
        /** plain text only */
        TEXT
    }

    private final Session session;
    private final String host;
    private final int port;
    private final Optional<String> user;
    private final Optional<String> password;
    private final InternetAddress from;
    private final List<InternetAddress> to;
    private final OutputFormat format;
    private final String hostname;

    /**
     * @param session the mail session with the connection, TLS and authentication properties
     * @param user with {@code password}: the credentials to authenticate with, or empty for none
     */
    public SmtpTarget(Session session, String host, int port, Optional<String> user, Optional<String> password,
            InternetAddress from, List<InternetAddress> to, OutputFormat format, String hostname) {
        this.session = requireNonNull(session, "session is null");
        this.host = requireNonNull(host, "host is null");
        this.port = port;
        this.user = requireNonNull(user, "user is null");
        this.password = requireNonNull(password, "password is null");
        this.from = requireNonNull(from, "from is null");
        this.to = List.copyOf(to);
        this.format = requireNonNull(format, "format is null");
        this.hostname = requireNonNull(hostname, "hostname is null");
    }

    /** {@return the session properties for a server, with timeouts in milliseconds} */
    static Properties properties(String host, int port, boolean startTls, String authMechanism, long timeoutMillis) {
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.connectiontimeout", Long.toString(timeoutMillis));
        p.put("mail.smtp.timeout", Long.toString(timeoutMillis));
        p.put("mail.smtp.writetimeout", Long.toString(timeoutMillis));
        p.put("mail.smtp.starttls.enable", Boolean.toString(startTls));
        p.put("mail.smtp.starttls.required", Boolean.toString(startTls));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.auth", Boolean.toString(!authMechanism.isEmpty()));
        if (!authMechanism.isEmpty()) {
            p.put("mail.smtp.auth.mechanisms", authMechanism);
        }
        return p;
    }

    @Override
    public String name() {
        return SmtpFactory.KEY;
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        for (FormattedAlert alert : batch) {
            send(message(FalcoPayload.of(alert, hostname)));
        }
    }

    private void send(MimeMessage message) throws DeliveryException {
        String where = host + ":" + port;
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(host, port, user.orElse(null), password.orElse(null));
            transport.sendMessage(message, message.getAllRecipients());
        } catch (AuthenticationFailedException e) {
            throw new DeliveryException(name() + ": " + where + " refused the credentials (" + oneLine(e)
                    + "); check authmechanism, user and password", false, e);
        } catch (SMTPAddressFailedException e) {
            throw byReplyCode(where, e.getReturnCode(), "refused address " + e.getAddress(), e);
        } catch (SMTPSendFailedException e) {
            throw byReplyCode(where, e.getReturnCode(), "refused the message", e);
        } catch (SendFailedException e) {
            throw new DeliveryException(name() + ": " + where + " refused the message (" + oneLine(e)
                    + "); check from and to", false, e);
        } catch (MessagingException e) {
            if (String.valueOf(e.getMessage()).contains("STARTTLS")) {
                throw new DeliveryException(name() + ": " + where + ": " + oneLine(e)
                        + "; set tls: false for a server without STARTTLS", false, e);
            }
            boolean io = causedByIo(e);
            throw new DeliveryException(name() + ": cannot send through " + where + " (" + oneLine(e) + ")"
                    + (io ? "; will retry" : ""), true, e);
        }
    }

    private DeliveryException byReplyCode(String where, int code, String what, MessagingException e) {
        boolean transientFailure = code >= 400 && code < 500;
        return new DeliveryException(name() + ": " + where + " " + what + " with SMTP " + code + " (" + oneLine(e)
                + ")" + (transientFailure ? "; will retry" : "; not retried"), transientFailure, e);
    }

    /** {@return the e-mail for one alert} */
    MimeMessage message(FalcoPayload p) throws DeliveryException {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
            m.setSubject("[" + p.priority().falcoName() + "] " + p.output(), "UTF-8");
            m.setSentDate(new Date(Math.floorDiv(p.timestampNanos(), 1_000_000L)));
            String text = plainText(p);
            if (format == OutputFormat.TEXT) {
                m.setText(text, "UTF-8");
            } else {
                MimeBodyPart plain = new MimeBodyPart();
                plain.setText(text, "UTF-8");
                MimeBodyPart html = new MimeBodyPart();
                html.setText(html(p), "UTF-8", "html");
                m.setContent(new MimeMultipart("alternative", plain, html));
            }
            m.saveChanges();
            return m;
        } catch (MessagingException e) {
            throw new DeliveryException(name() + ": cannot build the message for rule '" + p.rule() + "': "
                    + oneLine(e), false, e);
        }
    }

    /** {@return the plain-text body: one {@code Name: value} line per property, then the fields} */
    static String plainText(FalcoPayload p) {
        StringBuilder sb = new StringBuilder();
        sb.append("Priority: ").append(p.priority().falcoName()).append('\n');
        sb.append("Output: ").append(p.output()).append('\n');
        sb.append("Rule: ").append(p.rule()).append('\n');
        sb.append("Source: ").append(p.source()).append('\n');
        sb.append("Hostname: ").append(p.hostname()).append('\n');
        sb.append("Tags: ");
        p.tags().forEach(t -> sb.append(t).append(' '));
        sb.append('\n');
        sb.append("Time: ").append(p.goTime()).append("\n\n--Fields--\n");
        p.textFields().forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        return sb.append('\n').toString();
    }

    /** {@return the HTML body: a banner in the priority's color, a table of properties and one of fields} */
    static String html(FalcoPayload p) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif\">\n");
        sb.append("<p style=\"background:").append(color(p.priority()))
                .append(";padding:4px;text-align:center;font-weight:bold\">").append(escape(p.priority().falcoName()))
                .append("</p>\n<table>\n");
        row(sb, "Output", p.output());
        row(sb, "Rule", p.rule());
        row(sb, "Source", p.source());
        row(sb, "Hostname", p.hostname());
        row(sb, "Tags", String.join(" ", p.tags()));
        row(sb, "Time", p.goTime());
        sb.append("</table>\n<h4>Fields</h4>\n<table>\n");
        for (Map.Entry<String, String> f : p.textFields().entrySet()) {
            row(sb, f.getKey(), f.getValue());
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append("<tr><th align=\"left\">").append(escape(name)).append("</th><td>").append(escape(value))
                .append("</td></tr>\n");
    }

    /** {@return Falcosidekick's e-mail banner color for a priority} */
    static String color(Priority priority) {
        return switch (priority) {
            case EMERGENCY -> "#e20b0b";
            case ALERT -> "#ff5400";
            case CRITICAL -> "#ff9000";
            case ERROR -> "#ffc700";
            case WARNING -> "#ffff00";
            case NOTICE -> "#5bffb5";
            case INFORMATIONAL -> "#68c2ff";
            case DEBUG -> "#ccfff2";
        };
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean causedByIo(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).strip().replaceAll("\\s+", " ");
    }
}
