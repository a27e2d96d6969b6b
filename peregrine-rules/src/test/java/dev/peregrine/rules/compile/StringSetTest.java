package dev.peregrine.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class StringSetTest {
    @Property(tries = 500)
    void contains_anyStrings_sameAsHashSet(@ForAll @Size(max = 40) List<@StringLength(max = 4) String> values,
            @ForAll @Size(max = 40) List<@StringLength(max = 4) String> probes) {
        StringSet set = new StringSet(values);
        HashSet<String> expected = new HashSet<>(values);

        for (String p : probes) {
            assertThat(set.contains(p)).as(p).isEqualTo(expected.contains(p));
        }
        for (String v : values) {
            assertThat(set.contains(new String(v))).as(v).isTrue();
        }
    }

    @Test
    void contains_emptySet_false() {
        assertThat(new StringSet(List.of()).contains("bash")).isFalse();
    }

    @Test
    void contains_equalHashesDifferentStrings_distinguished() {
        // "Aa" and "BB" have the same String hash code
        StringSet set = new StringSet(List.of("Aa"));

        assertThat(set.contains("Aa")).isTrue();
        assertThat(set.contains("BB")).isFalse();
    }
}
