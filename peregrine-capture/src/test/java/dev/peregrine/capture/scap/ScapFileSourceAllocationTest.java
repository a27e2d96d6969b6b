package dev.peregrine.capture.scap;

import static dev.peregrine.capture.scap.ScapBytes.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.capture.CaptureSource.Next;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The event path allocates nothing per event: the engine reuses its buffer and its view. */
class ScapFileSourceAllocationTest {
    private static final int EVENTS = 100_000;
    /** Allowance per event for stray allocations of the JVM itself (class loading, JIT, profiling). */
    private static final double MAX_BYTES_PER_EVENT = 1;

    @Test
    void next_manyEvents_allocatesNoBytesPerEvent() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb && tb.isThreadAllocatedMemorySupported(),
                "thread allocation counters are not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        ScapBytes b = ScapBytes.capture();
        for (int i = 0; i < EVENTS; i++) {
            if (i % 3 == 0) {
                b.eventV1(i % 4, null, i, 7, 3, new byte[8], str("/tmp/f" + i), new byte[4]);
            } else {
                b.eventV2(BlockType.EV_V2, i % 4, null, i, 7, 10, false, str("event"), str("" + i));
            }
        }
        byte[] bytes = b.bytes();
        drain(bytes);
        drain(bytes);
        long warmUp = drain(bytes);
        assertThat(warmUp).isEqualTo(EVENTS);

        ScapFileSource s = ScapFileSource.open(new ByteArrayInputStream(bytes), "alloc", ScapFileSourceTest.SHAPES,
                block -> { });
        long sum = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        while (s.next() == Next.EVENT) {
            sum += s.event().ts() + s.event().paramLength(1) + s.event().paramOffset(1);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(s.eventCount()).isEqualTo(EVENTS);
        assertThat(sum).isPositive();
        assertThat((double) allocated / EVENTS).as("bytes allocated per event (%d in all)", allocated)
                .isLessThan(MAX_BYTES_PER_EVENT);
    }

    private static long drain(byte[] bytes) {
        ScapFileSource s = ScapFileSource.open(new ByteArrayInputStream(bytes), "warm-up", ScapFileSourceTest.SHAPES,
                block -> { });
        while (s.next() == Next.EVENT) {
            s.event().paramOffset(1);
        }
        return s.eventCount();
    }
}
