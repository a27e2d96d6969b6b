package dev.peregrine.forwarders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwarderOptionsTest {
    @Test
    void names_ignoreCase_likeFalcosidekick() {
        ForwarderOptions o = ForwarderOptions.of("webhook", Map.of("customHeaders", Map.of("A", "1")));
        assertThat(o.stringMap("customheaders")).containsEntry("A", "1");
        o.rejectUnknown();
    }

    @Test
    void names_givenTwiceInDifferentCase_areRejected() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("customHeaders", Map.of());
        m.put("customheaders", Map.of());
        assertThatThrownBy(() -> ForwarderOptions.of("loki", m))
                .hasMessage("forwarders.loki.customheaders: given twice (as 'customHeaders' too; option names ignore "
                        + "case)");
    }

    @Test
    void stringMap_falcosidekickCommaSyntax_isParsed() {
        ForwarderOptions o = ForwarderOptions.of("alertmanager", Map.of("extralabels", "team:sec, url:http://x:1"));
        assertThat(o.stringMap("extralabels")).containsExactly(Map.entry("team", "sec"),
                Map.entry("url", "http://x:1"));
    }

    @Test
    void list_yamlListOrCommaString_giveTheSameItems() {
        assertThat(ForwarderOptions.of("k", Map.of("to", "a@b, c@d,")).list("to")).containsExactly("a@b", "c@d");
        assertThat(ForwarderOptions.of("k", Map.of("to", List.of("a@b", "c@d"))).list("to"))
                .containsExactly("a@b", "c@d");
    }

    @Test
    void duration_secondsOrGoDurations_areAccepted() {
        assertThat(ForwarderOptions.of("k", Map.of("timeout", 3)).duration("timeout", Duration.ZERO))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(ForwarderOptions.of("k", Map.of("timeout", "1m30s")).duration("timeout", Duration.ZERO))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(ForwarderOptions.of("k", Map.of("timeout", "250ms")).duration("timeout", Duration.ZERO))
                .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> ForwarderOptions.of("k", Map.of("timeout", "soon")).duration("timeout",
                Duration.ZERO)).hasMessage("forwarders.k.timeout: expected a duration such as 10s, 500ms or 1m, "
                        + "got 'soon'");
    }

    @Test
    void bool_wordsAndBooleans_areAcceptedOthersNamed() {
        assertThat(ForwarderOptions.of("k", Map.of("tls", "TRUE")).bool("tls", false)).isTrue();
        assertThat(ForwarderOptions.of("k", Map.of("tls", false)).bool("tls", true)).isFalse();
        assertThatThrownBy(() -> ForwarderOptions.of("k", Map.of("tls", "yes please")).bool("tls", true))
                .hasMessage("forwarders.k.tls: expected true or false, got 'yes please'");
    }

    @Test
    void string_mapValue_isRejected() {
        assertThatThrownBy(() -> ForwarderOptions.of("k", Map.of("topic", Map.of("a", 1))).string("topic"))
                .hasMessage("forwarders.k.topic: expected a single value, got a map");
    }
}
