package dev.peregrine.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrefixSetTest {
    @Test
    void matchesPrefixOf_nestedAndInterleavedPrefixes_findsAny() {
        PrefixSet p = new PrefixSet(List.of("/usr/", "/usr/lib/x", "/a", "/ab0", "", "/b"));
        assertThat(p.matchesPrefixOf("anything")).isTrue();
        PrefixSet q = new PrefixSet(List.of("/a", "/ab0", "/c/d"));
        assertThat(q.matchesPrefixOf("/ab1")).isTrue();
        assertThat(q.matchesPrefixOf("/c/dd")).isTrue();
        assertThat(q.matchesPrefixOf("/c/")).isFalse();
        assertThat(q.matchesPrefixOf("/")).isFalse();
        assertThat(q.matchesPrefixOf("/a")).isTrue();
    }

    @Test
    void matchesPrefixOf_randomSets_agreeWithLinearScan() {
        Random r = new Random(7);
        String alphabet = "ab/";
        for (int t = 0; t < 2000; t++) {
            List<String> prefixes = new java.util.ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(6); i++) {
                prefixes.add(word(r, alphabet, 1 + r.nextInt(4)));
            }
            PrefixSet set = new PrefixSet(prefixes);
            String s = word(r, alphabet, r.nextInt(6));
            assertThat(set.matchesPrefixOf(s)).as("%s %s", prefixes, s)
                    .isEqualTo(prefixes.stream().anyMatch(s::startsWith));
        }
    }

    private static String word(Random r, String alphabet, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
