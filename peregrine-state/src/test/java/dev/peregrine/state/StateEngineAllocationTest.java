package dev.peregrine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.event.EventView;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events that change no state (the common path: reads, writes, fstat, ...) allocate nothing in the engine. */
class StateEngineAllocationTest {
    private static final int ROUNDS = 50_000;
    /** Allowance per event for stray allocations of the JVM itself (JIT, profiling). */
    private static final double MAX_BYTES_PER_EVENT = 1;

    @Test
    void onEvent_readWriteEvents_allocateNothing() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb && tb.isThreadAllocatedMemorySupported(),
                "thread allocation counters are not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        StateEngine engine = new StateEngine();
        engine.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(10).pid(10).ptid(1).comm("app").cwd("/").build(),
                ThreadInfo.builder().tid(11).pid(10).ptid(1).comm("app").cwd("/").build())));
        engine.onBlock(new ScapBlock.Fds(0, BlockType.FDL_V2, 10, List.of(
                new FdInfo.RegularFile(3, 1, 0, "/var/log/app.log", 0))));
        EventView[] events = {
            EventBuilder.of("PPME_SYSCALL_READ_E", 1, 10).i64(3).u32(100).view(),
            EventBuilder.of("PPME_SYSCALL_READ_X", 2, 10).i64(100).bytes(new byte[100]).i64(3).u32(100).view(),
            EventBuilder.of("PPME_SYSCALL_WRITE_X", 3, 11).i64(10).bytes(new byte[10]).i64(3).u32(10).view(),
            EventBuilder.of("PPME_SYSCALL_FSTAT_X", 4, 10).i64(0).i64(3).view(),
            EventBuilder.of("PPME_SYSCALL_BRK_4_X", 5, 11).i64(0).u32(0).u32(0).u32(0).view(),
        };
        for (int i = 0; i < ROUNDS; i++) {
            for (EventView v : events) {
                engine.onEvent(v);
            }
        }
        long sum = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < ROUNDS; i++) {
            for (EventView v : events) {
                engine.onEvent(v);
                sum += engine.currentFdNum() + engine.currentThread().tid();
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isPositive();
        assertThat(engine.currentThread().tid()).isEqualTo(11);
        assertThat((double) allocated / (ROUNDS * events.length)).as("bytes per event (%d in all)", allocated)
                .isLessThan(MAX_BYTES_PER_EVENT);
    }
}
