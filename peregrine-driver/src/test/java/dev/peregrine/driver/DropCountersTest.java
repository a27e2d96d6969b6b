package dev.peregrine.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.event.EventTable;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link DropCounters}: totals, Falco's categories by event code, differences of snapshots (no kernel needed). */
class DropCountersTest {
    private static int code(String codeName) {
        return EventTable.get().all().stream().filter(e -> e.codeName().equals(codeName)).findFirst().orElseThrow()
                .code();
    }

    @Test
    void byCategory_codesOfFalcosCategories_summedPerCategoryOthersOnlyInTotal() {
        long[] byType = new long[512];
        byType[code("PPME_SYSCALL_OPENAT_2_X")] = 5;
        byType[code("PPME_SYSCALL_OPEN_X")] = 1;
        byType[code("PPME_SYSCALL_CLOSE_X")] = 3;
        byType[code("PPME_SYSCALL_SYMLINKAT_X")] = 2;
        byType[code("PPME_PROCEXIT_1_E")] = 1;
        byType[code("PPME_SYSCALL_PTRACE_X")] = 4;
        byType[code("PPME_SOCKET_SOCKET_X")] = 7;
        DropCounters d = new DropCounters(new long[] {20, 3}, byType);

        Map<DropCounters.Category, Long> c = d.byCategory();
        assertThat(d.total()).isEqualTo(23);
        assertThat(c).containsEntry(DropCounters.Category.OPEN_EXIT, 6L)
                .containsEntry(DropCounters.Category.CLOSE_EXIT, 3L)
                .containsEntry(DropCounters.Category.DIR_FILE_EXIT, 2L)
                .containsEntry(DropCounters.Category.PROC_EXIT, 1L)
                .containsEntry(DropCounters.Category.OTHER_INTEREST_EXIT, 4L)
                .containsEntry(DropCounters.Category.EXECVE_EXIT, 0L).hasSize(8);
        assertThat(DropCounters.Category.OPEN_EXIT.falcoField()).isEqualTo("n_drops_buffer_open_exit");
    }

    @Test
    void minus_laterSnapshot_dropsBetween() {
        DropCounters before = new DropCounters(new long[] {1, 2}, new long[] {0, 1});
        DropCounters after = new DropCounters(new long[] {4, 2}, new long[] {0, 1, 3});

        DropCounters delta = after.minus(before);

        assertThat(delta.perCpu()).containsExactly(3, 0);
        assertThat(delta.byEventType()).containsExactly(0, 0, 3);
        assertThat(delta.total()).isEqualTo(3);
        assertThat(DropCounters.none(2).total()).isZero();
    }

    @Test
    void arrays_copiedInAndOut_snapshotCannotChange() {
        long[] cpus = {1, 1};
        DropCounters d = new DropCounters(cpus, new long[0]);
        cpus[0] = 100;
        d.perCpu()[1] = 100;

        assertThat(d.total()).isEqualTo(2);
        assertThat(d).isEqualTo(new DropCounters(new long[] {1, 1}, new long[0]));
    }
}
