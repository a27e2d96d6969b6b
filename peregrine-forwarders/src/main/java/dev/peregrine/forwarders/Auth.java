package dev.peregrine.forwarders;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP {@code Authorization} header values. */
public final class Auth {
    private Auth() {
    }

    /** {@return {@code Basic base64(user:password)}, as Go's {@code SetBasicAuth} writes it} */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
