package dev.peregrine.event.params;

/** The socket families of the driver ({@code PPM_AF_*}) that parameters carry in their first byte. */
public final class SocketFamily {
    /** {@code PPM_AF_UNSPEC}. */
    public static final int UNSPEC = 0;
    /** {@code PPM_AF_UNIX} (also {@code PPM_AF_LOCAL}). */
    public static final int UNIX = 1;
    /** {@code PPM_AF_INET}. */
    public static final int INET = 2;
    /** {@code PPM_AF_INET6}. */
    public static final int INET6 = 10;

    private SocketFamily() {}
}
