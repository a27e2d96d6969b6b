package dev.peregrine.state;

import java.util.function.LongFunction;

/**
 * A map from {@code long} keys to objects that allocates nothing on lookup: the tables of the state engine are keyed by
 * thread ids and descriptor numbers and are read for every event.
 *
 * <p>Not thread-safe; owned by the state engine's thread.
 *
 * @param <V> the value type
 */
public final class LongKeyedMap<V> {
    /*
     * Implementation notes.
     *
     * Open addressing with linear probing over parallel arrays; removal uses backward-shift deletion so there are no
     * tombstones and lookups stay short however many threads come and go. The load factor is kept at or below 1/2.
     * Keys are mixed with a 64-bit multiplicative hash because tids and fds are small and dense.
     */

    /** Smallest capacity; a power of two. */
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private Object[] values;
    private int size;
    private int mask;

    /** Creates an empty map. */
    public LongKeyedMap() {
        keys = new long[MIN_CAPACITY];
        values = new Object[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
    }

    /** {@return the number of entries} */
    public int size() {
        return size;
    }

    /** {@return the number of slots, for memory accounting} */
    public int capacity() {
        return keys.length;
    }

    /** {@return the value for {@code key}, or null} */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                return (V) values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** {@return whether the map holds {@code key}} */
    public boolean containsKey(long key) {
        return get(key) != null;
    }

    /**
     * Associates {@code value} with {@code key}.
     *
     * @return the previous value, or null
     */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null values are not stored; use remove");
        }
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
            grow();
        }
        return null;
    }

    /** {@return the value for {@code key}, computing and storing it first when absent} */
    public V computeIfAbsent(long key, LongFunction<? extends V> factory) {
        V v = get(key);
        if (v == null) {
            v = factory.apply(key);
            put(key, v);
        }
        return v;
    }

    /**
     * Removes {@code key}.
     *
     * @return the removed value, or null
     */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                deleteAt(i);
                return old;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Removes every entry. */
    public void clear() {
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    /**
     * Calls {@code action} for each entry until it returns false. The map must not be changed meanwhile.
     *
     * @return false when the action stopped the walk
     */
    @SuppressWarnings("unchecked")
    public boolean forEach(EntryTest<? super V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null && !action.test(keys[i], (V) values[i])) {
                return false;
            }
        }
        return true;
    }

    /** Removes the entries for which {@code drop} holds. */
    @SuppressWarnings("unchecked")
    public void removeIf(EntryTest<? super V> drop) {
        long[] ks = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null && drop.test(keys[i], (V) values[i])) {
                ks[n++] = keys[i];
            }
        }
        for (int i = 0; i < n; i++) {
            remove(ks[i]);
        }
    }

    /** A test over one entry, with the key unboxed. */
    @FunctionalInterface
    public interface EntryTest<V> {
        /** {@return the verdict for the entry} */
        boolean test(long key, V value);
    }

    private int slot(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void deleteAt(int hole) {
        values[hole] = null;
        size--;
        int i = (hole + 1) & mask;
        while (values[i] != null) {
            int home = slot(keys[i]);
            // Move the entry back into the hole when the hole lies cyclically between its home slot and i.
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                values[i] = null;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                int j = slot(oldKeys[i]);
                while (values[j] != null) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
                size++;
            }
        }
    }
}
