package dev.peregrine.forwarders.smtp;

import dev.peregrine.forwarders.ForwarderOptions;
import dev.peregrine.forwarders.ForwarderFactory;
import dev.peregrine.outputs.delivery.AlertTarget;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * {@code forwarders.smtp}: Falcosidekick's {@code smtp} options {@code hostport} (required, {@code host:port}),
 * {@code tls} (STARTTLS, required when true; default true), {@code authmechanism} ({@code plain}, the default;
 * {@code login}; {@code oauthbearer}, sent as XOAUTH2 with {@code token}; or {@code none}), {@code user},
 * {@code password}, {@code token}, {@code from} and {@code to} (required; {@code to} comma-separated),
 * {@code outputformat} ({@code html} or {@code text}; default html), {@code minimumpriority}; Peregrine adds
 * {@code timeout} (connect and each SMTP reply, default 10s). {@code identity} and {@code trace} are accepted empty
 * only; {@code external} and {@code anonymous} are refused.
 */
public final class SmtpFactory extends ForwarderFactory {
    /** The key under {@code forwarders:}. */
    public static final String KEY = "smtp";
    /** Connect and reply timeout when {@code timeout} is absent. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public SmtpFactory() {
        super(KEY);
    }

    @Override
    protected Supplier<AlertTarget> configure(ForwarderOptions o) {
        String hostport = o.required("hostport");
        int colon = hostport.lastIndexOf(':');
        if (colon <= 0 || !hostport.substring(colon + 1).matches("\\d{1,5}")) {
            throw o.error("hostport", "'" + hostport + "' is not host:port");
        }
        String host = hostport.substring(0, colon);
        int port = Integer.parseInt(hostport.substring(colon + 1));
        if (port < 1 || port > 65_535) {
            throw o.error("hostport", "port " + port + " is out of range [1, 65535]");
        }
        boolean tls = o.bool("tls", true);
        String mechanism = o.choice("authmechanism", "plain",
                List.of("plain", "login", "oauthbearer", "none", "external", "anonymous"));
        if (mechanism.equals("external") || mechanism.equals("anonymous")) {
            throw o.error("authmechanism", "'" + mechanism + "' is not supported (use plain, login, oauthbearer or "
                    + "none)");
        }
        Optional<String> user = o.string("user");
        Optional<String> password = o.string("password");
        Optional<String> token = o.string("token");
        o.onlyValue("identity", "", "a distinct authorization identity is not supported");
        o.onlyValue("trace", "", "the anonymous mechanism is not supported");
        String saslName;
        switch (mechanism) {
            case "plain", "login" -> {
                if (user.isEmpty() || password.isEmpty()) {
                    throw o.error(user.isEmpty() ? "user" : "password", "missing (authmechanism: " + mechanism
                            + " needs user and password; use authmechanism: none for a relay without login)");
                }
                saslName = mechanism.toUpperCase(Locale.ROOT);
            }
            case "oauthbearer" -> {
                if (user.isEmpty() || token.isEmpty()) {
                    throw o.error(user.isEmpty() ? "user" : "token", "missing (authmechanism: oauthbearer needs "
                            + "user and token)");
                }
                saslName = "XOAUTH2";
                password = token;
            }
            default -> {
                saslName = "";
                user = Optional.empty();
                password = Optional.empty();
            }
        }
        InternetAddress from = address(o, "from", o.required("from"));
        List<InternetAddress> to = new ArrayList<>();
        for (String a : o.list("to")) {
            to.add(address(o, "to", a));
        }
        if (to.isEmpty()) {
            throw o.error("to", "missing");
        }
        SmtpTarget.OutputFormat format = SmtpTarget.OutputFormat.valueOf(o.choice("outputformat", "html",
                List.of("html", "text")).toUpperCase(Locale.ROOT));
        Duration timeout = o.duration("timeout", DEFAULT_TIMEOUT);
        Properties props = SmtpTarget.properties(host, port, tls, saslName, timeout.toMillis());
        Optional<String> login = user;
        Optional<String> secret = password;
        return () -> new SmtpTarget(Session.getInstance(props), host, port, login, secret, from, to, format,
                hostname());
    }

    private static InternetAddress address(ForwarderOptions o, String option, String text) {
        try {
            InternetAddress a = new InternetAddress(text, true);
            a.validate();
            return a;
        } catch (AddressException e) {
            throw o.error(option, "'" + text + "' is not an e-mail address: " + e.getMessage());
        }
    }
}
