package dev.peregrine.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The primitive-keyed map behaves as a HashMap under any sequence of puts and removes. */
class LongKeyedMapTest {
    @Property(tries = 300)
    void operations_anySequence_sameAsHashMap(@ForAll @Size(max = 400) List<@IntRange(min = -40, max = 200) Integer> ops) {
        LongKeyedMap<String> map = new LongKeyedMap<>();
        Map<Long, String> reference = new HashMap<>();
        int step = 0;
        for (int op : ops) {
            long key = Math.abs(op) % 97;
            if (op < 0) {
                assertThat(map.remove(key)).isEqualTo(reference.remove(key));
            } else {
                String value = "v" + step;
                assertThat(map.put(key, value)).isEqualTo(reference.put(key, value));
            }
            step++;
            assertThat(map.size()).isEqualTo(reference.size());
        }
        for (long k = 0; k < 97; k++) {
            assertThat(map.get(k)).isEqualTo(reference.get(k));
        }
        Map<Long, String> walked = new HashMap<>();
        map.forEach((k, v) -> {
            walked.put(k, v);
            return true;
        });
        assertThat(walked).isEqualTo(reference);
    }
}
