package dev.peregrine.event.params;

/**
 * What the state layer knows about the thread of the event being rendered, so parameters render with their resolved
 * part as libsinsp does: {@code fd=3(<f>/etc/passwd)}, {@code pid=42(bash)}, {@code uid=0(root)}, relative paths
 * made absolute.
 *
 * <p>Only {@link #appendFd} is required; the other lookups default to "unknown". {@link #NONE} is the resolver of
 * an event with no thread information (libsinsp's {@code get_thread_info() == nullptr}), which renders numbers only.
 * Implementations are called on the output path only, never per event.
 */
@FunctionalInterface
public interface FdNameResolver {
    /** The resolver of an event whose thread is unknown: nothing resolves. */
    FdNameResolver NONE = new FdNameResolver() {
        @Override
        public boolean appendFd(long fd, StringBuilder out) {
            return false;
        }

        @Override
        public boolean hasThread() {
            return false;
        }
    };

    /**
     * Appends the resolved text of an open fd ({@code fd >= 0}) of the event's thread: {@code <TYPE>NAME}, where TYPE
     * is the fd type character ({@code f}, {@code 4}, {@code 6}, {@code u}, {@code p}, ...) followed, for IP sockets,
     * by the protocol character ({@code t}, {@code u}, {@code i}, {@code r}), e.g. {@code <f>/etc/passwd} or
     * {@code <4t>127.0.0.1:47192->127.0.0.1:80}.
     *
     * @return whether the fd is known (when false, nothing was appended)
     */
    boolean appendFd(long fd, StringBuilder out);

    /**
     * {@return whether the event's thread is known}; libsinsp resolves fds, {@code AT_FDCWD}, fd errors and relative
     * paths only then
     */
    default boolean hasThread() {
        return true;
    }

    /** {@return the type character of the fd ({@code fd.typechar}), or {@code '?'} when unknown (for fd lists)} */
    default char fdTypeChar(long fd) {
        return '?';
    }

    /** {@return the command name ({@code comm}) of thread {@code tid}, or null when unknown} */
    default String threadComm(long tid) {
        return null;
    }

    /** {@return the user name of {@code uid} in the event thread's container, or null when unknown} */
    default String userName(long uid) {
        return null;
    }

    /** {@return the group name of {@code gid} in the event thread's container, or null when unknown} */
    default String groupName(long gid) {
        return null;
    }

    /**
     * {@return the absolute form of a relative path parameter, or null when unknown}: {@code relativePath} joined to
     * the thread's cwd when {@code dirfd} is {@link ParamDecoder#AT_FDCWD}, else to the path of directory fd
     * {@code dirfd}, and normalized as libsinsp's {@code sinsp_utils::concatenate_paths} does. Called only for
     * non-empty paths that do not start with '/'.
     */
    default String resolvePath(long dirfd, String relativePath) {
        return null;
    }
}
