package dev.peregrine.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.driver.libbpf.Libbpf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Error reporting of the libbpf wrappers: bad objects and programs the verifier rejects. */
class BpfObjectTest {
    @TempDir
    Path dir;

    @Test
    void open_notAnElfFile_clearErrorNamingTheErrno() {
        assumeTrue(Libbpf.available(), "libbpf.so.1 not installed");
        assertThatThrownBy(() -> BpfObject.open(new byte[] {1, 2, 3, 4}))
                .isInstanceOf(BpfException.class)
                .hasMessageStartingWith("cannot open the eBPF object: ")
                .hasMessageNotContaining("Exception");
    }

    @Test
    void load_programTheVerifierRejects_messageCarriesTheVerifierLog() throws Exception {
        assumeTrue(Libbpf.available(), "libbpf.so.1 not installed");
        assumeTrue(Libbpf.geteuid() == 0, "loading programs needs root");
        Path source = Files.writeString(dir.resolve("reject.bpf.c"), """
                #define SEC(n) __attribute__((section(n), used))
                SEC("tracepoint/syscalls/sys_enter_getpid")
                int reads_far_past_its_context(void *ctx) { return *(int *)((char *)ctx + 100000); }
                char LICENSE[] SEC("license") = "GPL";
                """);
        Path object = dir.resolve("reject.bpf.o");
        Process clang;
        try {
            clang = new ProcessBuilder("clang", "-O2", "-target", "bpf", "-c", source.toString(), "-o",
                    object.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "clang not installed");
            return;
        }
        assertThat(clang.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(clang.exitValue() == 0, "clang could not compile the test program");
        try (BpfObject obj = BpfObject.open(Files.readAllBytes(object))) {
            assertThatThrownBy(obj::load)
                    .isInstanceOf(BpfException.class)
                    .hasMessageStartingWith("the kernel refused the eBPF driver: ")
                    .hasMessageContaining("verifier log (last lines)")
                    .satisfies(e -> assertThat(((BpfException) e).log()).contains("reads_far_past_its_context"));
        }
    }

    @Test
    void excerpt_longLog_keepsTheLastEightLines() {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            log.append("line ").append(i).append('\n');
        }
        String excerpt = BpfObject.excerpt(log.toString());
        assertThat(excerpt).contains("line 13", "line 20").doesNotContain("line 12\n");
        assertThat(BpfObject.excerpt("  ")).isEmpty();
    }
}
