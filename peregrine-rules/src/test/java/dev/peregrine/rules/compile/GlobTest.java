package dev.peregrine.rules.compile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void matches_starAndQuestion_behaveAsFnmatch() {
        assertThat(new Glob("*", false).matches("")).isTrue();
        assertThat(new Glob("*", false).matches("/a/b")).isTrue();
        assertThat(new Glob("a*b*c", false).matches("aXbYbc")).isTrue();
        assertThat(new Glob("a*b*c", false).matches("aXbYbd")).isFalse();
        assertThat(new Glob("?", false).matches("")).isFalse();
        assertThat(new Glob("**a", false).matches("bba")).isTrue();
    }

    @Test
    void matches_brackets_supportNegationRangesAndClasses() {
        assertThat(new Glob("[]a]", false).matches("]")).isTrue();
        assertThat(new Glob("[!]a]", false).matches("b")).isTrue();
        assertThat(new Glob("[^a-c]", false).matches("b")).isFalse();
        assertThat(new Glob("[a-c]x", false).matches("cx")).isTrue();
        assertThat(new Glob("[[:upper:]]", false).matches("Q")).isTrue();
        assertThat(new Glob("[[:upper:]]", false).matches("q")).isFalse();
        assertThat(new Glob("[a-c]", true).matches("B")).isTrue();
    }

    @Test
    void matches_region_matchesOnlyThatPart() {
        assertThat(new Glob("b?n", false).matches("/usr/bin/ls", 5, 8)).isTrue();
        assertThat(new Glob("b?n", false).matches("/usr/bin/ls", 5, 9)).isFalse();
    }
}
