package dev.peregrine.driver;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.event.Event;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What the live driver tests share: waiting for an event among live traffic, and reading its parameters. */
final class LiveEvents {
    private LiveEvents() {
    }

    /**
     * Opens the driver with every syscall it captures, or skips the calling tests (a JUnit assumption) when live
     * capture is unavailable here (not root, no BTF, no eBPF object).
     */
    static LiveSource openOrSkip() {
        var reason = LiveSource.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(reason.isEmpty(),
                () -> "live capture unavailable: " + reason.orElseThrow());
        return LiveSource.open(LiveSource.Options.defaults());
    }

    /** Reads events until one matches, copying each, and returns the copies read (the match last). */
    static List<Event> readUntil(LiveSource source, Predicate<Event> wanted, long waitNanos) {
        List<Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + waitNanos;
        while (System.nanoTime() < deadline) {
            if (source.next() == Next.EVENT) {
                Event e = Event.copyOf(source.event());
                seen.add(e);
                if (wanted.test(e)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("no matching event within " + waitNanos / 1_000_000_000 + " s among "
                + seen.size() + " events");
    }

    static String str(Event e, int i) {
        return e.param(i).asString();
    }

    /** The NUL-terminated strings of a parameter (cgroups, args, env). */
    static List<String> strs(Event e, int i) {
        byte[] b = e.param(i).bytes();
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int j = 0; j < b.length; j++) {
            if (b[j] == 0) {
                out.add(new String(b, start, j - start, StandardCharsets.UTF_8));
                start = j + 1;
            }
        }
        return out;
    }

    static long s64(Event e, int i) {
        return le(e, i).getLong();
    }

    static long u32(Event e, int i) {
        return Integer.toUnsignedLong(le(e, i).getInt());
    }

    static int u16(Event e, int i) {
        return Short.toUnsignedInt(le(e, i).getShort());
    }

    private static ByteBuffer le(Event e, int i) {
        return ByteBuffer.wrap(e.param(i).bytes()).order(ByteOrder.LITTLE_ENDIAN);
    }
}
