package dev.peregrine.state.fd;

import dev.peregrine.state.LongKeyedMap;

/**
 * The open file descriptors of one process (shared by its threads), keyed by number.
 *
 * <p>Bounded like libsinsp's table: at most {@link #MAX_FDS} descriptors; beyond that new ones are not recorded and
 * {@link #droppedAdds()} counts them.
 */
public final class FdTable {
    /** Most descriptors kept per process (libsinsp's default {@code m_max_table_size} for fd tables). */
    public static final int MAX_FDS = 1 << 16;

    private final LongKeyedMap<FdState> fds = new LongKeyedMap<>();
    private long droppedAdds;

    /** {@return the descriptor with that number, or null} */
    public FdState get(long fd) {
        return fd < 0 ? null : fds.get(fd);
    }

    /**
     * Records {@code state} under its number, replacing any previous descriptor with that number.
     *
     * @return the stored state, or null when the table is full
     */
    public FdState put(FdState state) {
        if (fds.size() >= MAX_FDS && !fds.containsKey(state.fd())) {
            droppedAdds++;
            return null;
        }
        fds.put(state.fd(), state);
        return state;
    }

    /** {@return a new descriptor of that number, recorded (replacing any previous one); null when full} */
    public FdState create(long fd) {
        return put(new FdState(fd));
    }

    /** Removes a descriptor; returns it or null. */
    public FdState remove(long fd) {
        return fds.remove(fd);
    }

    /** {@return the number of open descriptors} */
    public int size() {
        return fds.size();
    }

    /** {@return the number of descriptors not recorded because the table was full} */
    public long droppedAdds() {
        return droppedAdds;
    }

    /** Removes every descriptor. */
    public void clear() {
        fds.clear();
    }

    /** Drops the descriptors marked close-on-exec, as execve does. */
    public void closeOnExec() {
        fds.removeIf((fd, state) -> state.closeOnExec());
    }

    /** Replaces this table's content with copies of {@code parent}'s descriptors, marked as cloned. */
    public void copyFrom(FdTable parent) {
        fds.clear();
        parent.fds.forEach((fd, state) -> {
            FdState copy = state.copyAs(fd);
            copy.setCloned(true);
            fds.put(fd, copy);
            return true;
        });
    }

    /** Calls {@code visitor} for each descriptor until it returns false. */
    public void forEach(LongKeyedMap.EntryTest<? super FdState> visitor) {
        fds.forEach(visitor);
    }

    /** {@return an estimate of the bytes this table retains} */
    public long retainedBytes() {
        long[] total = {48L + fds.capacity() * 12L};
        fds.forEach((fd, state) -> {
            total[0] += state.retainedBytes();
            return true;
        });
        return total[0];
    }
}
