package dev.peregrine.state.fd;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Path joining as libsinsp's concatenate_paths does it (cases from its behaviour, quirks included). */
class FsPathTest {
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = ';', value = {
        "/home/u/; file; /home/u/file",
        "/home/u/; ./file; /home/u/file",
        "/home/u/; ../file; /home/file",
        "/home/u/; ../../../../file; /file",
        "/home/u/; a//b/; /home/u/a/b",
        "/home/u/; /etc/passwd; /etc/passwd",
        "/home/u/; /etc/../passwd; /passwd",
        "/home/u/; /; /",
        "/home/u/; .; /home/u",
        "/home/u/; ..; /home",
        "/home/u/; .hidden; /home/u/.hidden",
        "/home/u/; a/..b; /home/u/a/..b",
        "'';  rel/x; rel/x",
        "<UNKNOWN>; x; <UNKNOWN>x",
        "/; tmp; /tmp"
    })
    void concatenate_cases_asLibsinsp(String base, String path, String expected) {
        assertThat(FsPath.concatenate(base, path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"4090, 10"})
    void concatenate_overLongJoin_tooLongMarker(int baseLength, int pathLength) {
        assertThat(FsPath.concatenate("/" + "a".repeat(baseLength), "b".repeat(pathLength)))
                .isEqualTo(FsPath.TOO_LONG);
    }

    @Property(tries = 2000)
    void concatenate_anyPath_sameAsTheWalk(
            @ForAll("paths") String path, @ForAll("paths") String base) {
        assertThat(FsPath.concatenate(base, path)).isEqualTo(FsPath.walk(base, path));
    }

    @Provide
    Arbitrary<String> paths() {
        // components that exercise the normal-form check: empty, ".", "..", dot-names, ordinary names
        Arbitrary<String> component = Arbitraries.of("", ".", "..", "...", ".a", "a.",
                "etc", "x");
        return component.list().ofMaxSize(5).flatMap(parts -> Arbitraries.of("/", "")
                .map(lead -> lead + String.join("/", parts)));
    }

    @Test
    void isNormal_cases() {
        assertThat(FsPath.isNormal("/etc/passwd")).isTrue();
        assertThat(FsPath.isNormal("/")).isTrue();
        assertThat(FsPath.isNormal("/home/.bashrc")).isTrue();
        assertThat(FsPath.isNormal("etc/x")).isTrue();
        assertThat(FsPath.isNormal("...")).isTrue();
        assertThat(FsPath.isNormal("")).isFalse();
        assertThat(FsPath.isNormal("/etc/")).isFalse();
        assertThat(FsPath.isNormal("/etc//x")).isFalse();
        assertThat(FsPath.isNormal("/etc/./x")).isFalse();
        assertThat(FsPath.isNormal("/etc/..")).isFalse();
        assertThat(FsPath.isNormal("./x")).isFalse();
        assertThat(FsPath.isNormal("x/")).isFalse();
    }

    @Property(tries = 2000)
    void isNormal_fastPath_agreesWithTheWalk(@ForAll("pathLike") String path) {
        assertThat(FsPath.isNormal(path)).as(path).isEqualTo(FsPath.isNormalByWalk(path));
    }

    @Provide
    Arbitrary<String> pathLike() {
        // separators, dots and letters only, so that empty, "." and ".." components and hidden names are frequent
        return Arbitraries.strings().withChars('/', '.', 'a', 'b').ofMinLength(1).ofMaxLength(12);
    }
}
