package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.outputs.delivery.TargetFactory;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The CLI ships the forwarders: {@code forwarders:} keys resolve through {@link ServiceLoader}. */
class ForwardersOnClasspathTest {
    @Test
    void serviceLoader_findsAllEightForwarders() {
        // the test classpath also registers DeliveryEndToEndTest's "recording" forwarder
        assertThat(ServiceLoader.load(TargetFactory.class).stream().map(p -> p.get().key())
                .filter(k -> !k.equals("recording")).toList())
                .containsExactlyInAnyOrder("webhook", "slack", "teams", "kafka", "elasticsearch", "loki", "smtp",
                        "alertmanager");
    }
}
