package dev.peregrine.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Syscall selection and option checks; no kernel needed. */
class LiveSourceOptionsTest {
    @Test
    void forEventTypes_rulesAskForConnectAndPtrace_stateSetPlusCapturedOnes() {
        LiveSource.Options o = LiveSource.Options.forEventTypes(List.of("connect", "ptrace", "procexit"));
        assertThat(o.syscalls()).containsExactlyInAnyOrderElementsOf(
                union(LiveSource.STATE_SYSCALLS, Set.of("connect", "ptrace")));
    }

    @Test
    void forEventTypes_noRules_onlyTheStateSet() {
        assertThat(LiveSource.Options.forEventTypes(List.of()).syscalls())
                .isEqualTo(LiveSource.STATE_SYSCALLS)
                .doesNotContain("connect");
    }

    @Test
    void stateSyscalls_allCapturedByTheDriver() {
        assertThat(LiveSource.SYSCALLS).containsKeys(LiveSource.STATE_SYSCALLS.toArray(String[]::new));
    }

    @Test
    void options_unknownSyscall_rejectedWithTheCapturedList() {
        assertThatThrownBy(() -> new LiveSource.Options(1 << 20, 10, Set.of("mmap")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the driver does not capture syscall mmap (captured: [openat,");
    }

    @Test
    void options_ringNotPowerOfTwo_rejected() {
        assertThatThrownBy(() -> new LiveSource.Options(3 << 20, 10, Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ringBytes must be a power of two, got 3145728");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
