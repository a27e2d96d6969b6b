package dev.peregrine.benchmarks.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the benchmark's setup and each operation once, so it cannot rot unnoticed. */
class ParamDecodeBenchmarkTest {
    @Test
    void operations_openExit_giveLibsinspValues() {
        ParamDecodeBenchmark b = new ParamDecodeBenchmark();
        b.setup();

        assertThat(b.rawReads()).isEqualTo(3 + 4097 + 1);
        assertThat(b.flagsText()).isEqualTo("O_RDONLY|O_CLOEXEC");
        assertThat(b.args()).isEqualTo(
                "fd=3(<f>/etc/passwd) name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=803 ino=1234");
    }
}
