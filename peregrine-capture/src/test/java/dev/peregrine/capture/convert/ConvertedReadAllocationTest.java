package dev.peregrine.capture.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.capture.scap.ScapFileWriter;
import dev.peregrine.capture.scap.TableEventShapes;
import dev.peregrine.event.Event;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading with conversion allocates nothing per event: converter buffers and the enter stash are reused. */
class ConvertedReadAllocationTest {
    /** Copies of the capture's events in the stream. */
    private static final int COPIES = 40;
    /** Allowance per event for stray allocations of the JVM itself (class loading, JIT, profiling). */
    private static final double MAX_BYTES_PER_EVENT = 1;

    @Test
    void next_oldCaptureConverted_allocatesNoBytesPerEvent() throws IOException {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb && tb.isThreadAllocatedMemorySupported(),
                "thread allocation counters are not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        List<Event> events = new ArrayList<>();
        try (ScapFileSource s = ScapFileSource.openAsWritten(EventConverterTest.capture("libs_curl_google.scap"),
                b -> { })) {
            while (s.next() == Next.EVENT) {
                events.add(Event.copyOf(s.event()));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ScapFileWriter w = ScapFileWriter.open(out, false)) {
            for (int i = 0; i < COPIES; i++) {
                for (Event e : events) {
                    w.writeEvent(e, 0);
                }
            }
        }
        byte[] bytes = out.toByteArray();
        drain(bytes);
        drain(bytes);

        ScapFileSource s = open(bytes);
        long sum = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        while (s.next() == Next.EVENT) {
            sum += s.event().nparams() + (s.event().ts() & 1);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long read = s.eventCount() + s.droppedEvents();

        assertThat(s.problem()).isEmpty();
        assertThat(read).isEqualTo((long) COPIES * events.size());
        assertThat(s.droppedEvents()).isPositive();
        assertThat(sum).isPositive();
        assertThat((double) allocated / read).as("bytes allocated per event (%d in all)", allocated)
                .isLessThan(MAX_BYTES_PER_EVENT);
    }

    private static ScapFileSource open(byte[] bytes) {
        return ScapFileSource.open(new ByteArrayInputStream(bytes), "alloc", TableEventShapes.standard(),
                EventConverter.standard(), b -> { });
    }

    private static void drain(byte[] bytes) {
        ScapFileSource s = open(bytes);
        while (s.next() == Next.EVENT) {
            s.event().nparams();
        }
    }
}
