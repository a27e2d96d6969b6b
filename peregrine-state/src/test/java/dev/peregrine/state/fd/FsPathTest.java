package dev.peregrine.state.fd;

import static org.assertj.core.api.Assertions.assertThat;

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
}
