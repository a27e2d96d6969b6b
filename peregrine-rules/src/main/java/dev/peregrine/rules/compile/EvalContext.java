package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import dev.peregrine.rules.fields.Values;
import java.util.Arrays;

/**
 * Per-thread evaluation state: the event being judged and the per-field value cache, valid for that event only.
 * Every field slot is extracted at most once per event, however many conditions and outputs read it. A context
 * may be created before compiling: it grows when slots are added later. Not thread-safe: one per evaluating thread.
 */
public final class EvalContext {
    /* Implementation notes: libsinsp's filter_cache.h idea with a stamp instead of an event number: reset()
     * bumps the stamp, and a slot is valid when its stamp equals the current one, so nothing is cleared per event.
     * Values buffers are allocated lazily per slot and reused forever, keeping extraction allocation-free once the
     * buffers have grown. The stamp is a long, so it never wraps in practice. */

    private static final int MIN_CAPACITY = 16;

    private final FieldSlots slots;
    private Object event;
    private long stamp = 1;
    private long[] stamps;
    private boolean[] present;
    private Values[] values;
    /** Results of boolean nodes that several rules share, valid for the event of the same stamp (generated code). */
    private long[] memoStamps = new long[MIN_CAPACITY];
    private boolean[] memoValues = new boolean[MIN_CAPACITY];

    public EvalContext(FieldSlots slots) {
        this.slots = requireNonNull(slots, "slots is null");
        int n = Math.max(MIN_CAPACITY, slots.size());
        stamps = new long[n];
        present = new boolean[n];
        values = new Values[n];
    }

    /** Points the context at the next event; cached field values of the previous event become invalid. */
    public void reset(Object event) {
        this.event = event;
        stamp++;
    }

    public Object event() {
        return event;
    }

    /** {@return the slots this context caches} */
    public FieldSlots slots() {
        return slots;
    }

    /**
     * {@return the values of {@code slot} for the current event, extracting them on first use; null when the
     * field has no value for this event}. The buffer is owned by the context: do not modify it.
     */
    public Values values(int slot) {
        if (slot >= stamps.length) {
            grow(slot + 1);
        }
        if (stamps[slot] == stamp) {
            return present[slot] ? values[slot] : null;
        }
        return extract(slot, slots.sourceAt(slot));
    }

    /**
     * As {@link #values(int)} with the slot's source given by the caller: generated conditions pass it as a
     * constant, so the JIT sees which extractor runs and can inline it.
     */
    Values values(int slot, SlotSource source) {
        if (slot >= stamps.length) {
            grow(slot + 1);
        }
        if (stamps[slot] == stamp) {
            return present[slot] ? values[slot] : null;
        }
        return extract(slot, source);
    }

    private Values extract(int slot, SlotSource source) {
        Values v = values[slot];
        if (v == null) {
            v = new Values();
            values[slot] = v;
        } else {
            v.clear();
        }
        boolean ok = source.fill(this, v);
        stamps[slot] = stamp;
        present[slot] = ok;
        return ok ? v : null;
    }

    /** {@return the remembered result of boolean node {@code id} for the current event: 1, 0, or -1 if none} */
    int memoGet(int id) {
        return id < memoStamps.length && memoStamps[id] == stamp ? (memoValues[id] ? 1 : 0) : -1;
    }

    /** Remembers the result of boolean node {@code id} for the current event. */
    void memoSet(int id, boolean value) {
        if (id >= memoStamps.length) {
            int n = Math.max(id + 1, memoStamps.length * 2);
            memoStamps = Arrays.copyOf(memoStamps, n);
            memoValues = Arrays.copyOf(memoValues, n);
        }
        memoStamps[id] = stamp;
        memoValues[id] = value;
    }

    private void grow(int min) {
        int n = Math.max(min, Math.max(slots.size(), stamps.length * 2));
        stamps = Arrays.copyOf(stamps, n);
        present = Arrays.copyOf(present, n);
        values = Arrays.copyOf(values, n);
    }
}
