package dev.peregrine.event;

import static java.util.Objects.requireNonNull;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * An event copied out of a capture buffer: a value that outlives the {@link EventView} it came from.
 *
 * <p>Materializing costs one allocation per parameter, so the hot path keeps to views; events are copied when an
 * alert fires or a test needs one.
 *
 * @param ts timestamp in nanoseconds since the epoch
 * @param tid id of the thread that produced the event
 * @param type event code (PPME_*)
 * @param cpu CPU that produced the event, -1 when unknown
 * @param params the raw parameter values, in order
 */
public record Event(long ts, long tid, int type, int cpu, List<Param> params) {
    public Event {
        requireNonNull(params, "params is null");
        params = List.copyOf(params);
    }

    /** {@return a copy of the event {@code view} points at} */
    public static Event copyOf(EventView view) {
        int n = view.nparams();
        List<Param> params = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] bytes = view.segment().asSlice(view.paramOffset(i), view.paramLength(i))
                    .toArray(ValueLayout.JAVA_BYTE);
            params.add(new Param(bytes));
        }
        return new Event(view.ts(), view.tid(), view.type(), view.cpu(), params);
    }

    /** {@return parameter {@code i}} */
    public Param param(int i) {
        return params.get(i);
    }

    /**
     * One raw parameter value, compared by content.
     *
     * @param bytes the value bytes exactly as the capture holds them
     */
    public record Param(byte[] bytes) {
        public Param {
            requireNonNull(bytes, "bytes is null");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** {@return the number of bytes} */
        public int length() {
            return bytes.length;
        }

        /** {@return the value read as a string: UTF-8 up to the first NUL byte} */
        public String asString() {
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            return new String(bytes, 0, end, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Param other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Param[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }
}
