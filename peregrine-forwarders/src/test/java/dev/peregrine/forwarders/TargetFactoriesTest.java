package dev.peregrine.forwarders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.outputs.delivery.TargetFactory;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TargetFactoriesTest {
    @Test
    void serviceLoader_findsEveryForwarderOnce() {
        assertThat(ServiceLoader.load(TargetFactory.class).stream().map(p -> p.get().key()))
                .containsExactlyInAnyOrder("webhook", "slack", "teams", "kafka", "elasticsearch", "loki", "smtp",
                        "alertmanager");
    }
}
