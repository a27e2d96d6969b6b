package dev.peregrine.event.params;

import static dev.peregrine.event.params.TestEvents.concat;
import static dev.peregrine.event.params.TestEvents.event;
import static dev.peregrine.event.params.TestEvents.str;
import static dev.peregrine.event.params.TestEvents.u16;
import static dev.peregrine.event.params.TestEvents.u32;
import static dev.peregrine.event.params.TestEvents.u64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.event.EventView;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The raw accessors allocate nothing: rules compare numbers, strings and addresses straight from the event bytes;
 * {@code evt.arg} of flags and errnos renders from memoized names.
 */
class ParamDecoderAllocationTest {
    private static final int ROUNDS = 200_000;
    /** Allowance per round for stray allocations of the JVM itself (JIT, profiling). */
    private static final double MAX_BYTES_PER_ROUND = 1;

    @Test
    void rawAccessors_manyRounds_allocateNothing() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb && tb.isThreadAllocatedMemorySupported(),
                "thread allocation counters are not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        EventView open = event("PPME_SYSCALL_OPEN_X", u64(3), str("/etc/passwd"), u32(4097), u32(0), u32(0), u64(1));
        EventView connect = event("PPME_SOCKET_CONNECT_X", u64(-115), SocketDecodingTest.tuple4(new byte[] {10, 0, 0, 1},
                5000, new byte[] {10, 0, 0, 2}, 443), u64(4), SocketDecodingTest.sockaddr4(10, 0, 0, 2, 443));
        EventView poll = event("PPME_SYSCALL_POLL_X", u64(1), concat(u16(1), u64(3), u16(1)), u64(-1));
        ParamDecoder d = ParamDecoder.get();
        FdList list = new FdList();
        long sum = run(d, open, connect, poll, list, ROUNDS);

        long before = threads.getCurrentThreadAllocatedBytes();
        sum += run(d, open, connect, poll, list, ROUNDS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sum).isPositive();
        assertThat((double) allocated / ROUNDS).as("bytes allocated per round (%d in all)", allocated)
                .isLessThan(MAX_BYTES_PER_ROUND);
    }

    private static long run(ParamDecoder d, EventView open, EventView connect, EventView poll, FdList list, int n) {
        long sum = 0;
        for (int k = 0; k < n; k++) {
            sum += d.asLong(open, 0) + d.asLong(open, 2);
            sum += d.equalsAscii(open, 1, "/etc/passwd") ? 1 : 0;
            sum += d.startsWithAscii(open, 1, "/etc/") ? 1 : 0;
            sum += d.stringLength(open, 1);
            long at = connect.paramOffset(1);
            sum += SocketTuple.family(connect.segment(), at) + SocketTuple.inet4Dip(connect.segment(), at)
                    + SocketTuple.inet4Dport(connect.segment(), at);
            sum += d.asLong(connect, 0);
            sum += d.fdList(poll, 1, list).fd(0);
            sum += d.render(open, 2, FdNameResolver.NONE).length(); // O_RDONLY|O_CLOEXEC, memoized
            sum += d.render(connect, 0, FdNameResolver.NONE).length(); // EINPROGRESS, a table constant
        }
        return sum;
    }
}
