package dev.peregrine.capture.convert;

import java.util.Arrays;

/**
 * The enter events kept per thread until their exit event: an open-addressing map from tid to a reusable byte
 * array, so storing and finding allocate nothing once each thread's array has grown.
 */
final class TidStash {
    /*
     * Implementation notes.
     *
     * Linear probing over power-of-two arrays; a removed entry keeps its key and array but is marked empty
     * (present = false), so a thread that enters again reuses its array. Keys are never deleted, so probing needs
     * no tombstones; the map is cleared when it would hold more than `limit` threads.
     */

    private static final int INITIAL_CAPACITY = 256;
    private static final int INITIAL_EVENT_BYTES = 64;
    private static final int LEN_AT = 16;

    private final int limit;
    private long[] keys = new long[INITIAL_CAPACITY];
    private byte[][] events = new byte[INITIAL_CAPACITY][];
    private boolean[] present = new boolean[INITIAL_CAPACITY];
    private int used;

    TidStash(int limit) {
        this.limit = limit;
    }

    /** Keeps a copy of the {@code len} bytes of {@code event} as the enter event of {@code tid}. */
    void store(long tid, byte[] event, int len) {
        int slot = slot(tid);
        if (events[slot] == null) {
            if (used >= limit) {
                clear();
                slot = slot(tid);
            } else if ((used + 1) * 2 > keys.length) {
                grow();
                slot = slot(tid);
            }
            keys[slot] = tid;
            events[slot] = new byte[Math.max(INITIAL_EVENT_BYTES, len)];
            used++;
        } else if (events[slot].length < len) {
            events[slot] = new byte[Math.max(len, events[slot].length * 2)];
        }
        System.arraycopy(event, 0, events[slot], 0, len);
        present[slot] = true;
    }

    /** {@return the stashed enter event of {@code tid} (its len is in the header), or null} */
    byte[] find(long tid) {
        int slot = slot(tid);
        return events[slot] != null && present[slot] ? events[slot] : null;
    }

    /** {@return the length of the stashed event of {@code tid}, 0 when none} */
    long maxLength(long tid) {
        byte[] e = find(tid);
        return e == null ? 0 : Integer.toUnsignedLong(EventConverter.le32(e, LEN_AT));
    }

    void remove(long tid) {
        int slot = slot(tid);
        if (events[slot] != null) {
            present[slot] = false;
        }
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(events, null);
        Arrays.fill(present, false);
        used = 0;
    }

    private int slot(long tid) {
        int mask = keys.length - 1;
        int i = (int) mix(tid) & mask;
        while (events[i] != null && keys[i] != tid) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        byte[][] oldEvents = events;
        boolean[] oldPresent = present;
        keys = new long[oldKeys.length * 2];
        events = new byte[oldKeys.length * 2][];
        present = new boolean[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldEvents[i] != null) {
                int s = slot(oldKeys[i]);
                keys[s] = oldKeys[i];
                events[s] = oldEvents[i];
                present[s] = oldPresent[i];
            }
        }
    }

    private static long mix(long x) {
        long h = x * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 32);
    }
}
