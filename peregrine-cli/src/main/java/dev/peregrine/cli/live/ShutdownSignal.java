package dev.peregrine.cli.live;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT/SIGTERM for a loop that must finish cleanly (detach the eBPF driver, flush, print a summary): a JVM
 * shutdown hook that sets {@link #received()} and then waits, at most {@link #WAIT_MILLIS}, until the loop
 * {@link #close() closes} this signal. Use in try-with-resources around the loop.
 */
public final class ShutdownSignal implements AutoCloseable {
    /* Implementation notes: the JVM runs shutdown hooks and exits once they return, so the hook waits for the loop
     * (which sees received() at least every poll interval of the driver) rather than the loop racing the exit.
     * close() removes the hook when the loop ends for another reason; during shutdown that removal is refused
     * (the hook is running and is released by the latch). */

    /** Longest wait of the shutdown hook for the loop to finish. */
    public static final long WAIT_MILLIS = 5_000;

    private volatile boolean received;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    private ShutdownSignal() {
        hook = new Thread(() -> {
            received = true;
            try {
                done.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "peregrine-shutdown");
    }

    /** {@return a signal whose hook is installed} */
    public static ShutdownSignal install() {
        ShutdownSignal s = new ShutdownSignal();
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** {@return true once the JVM is shutting down (SIGINT, SIGTERM, System.exit)} */
    public boolean received() {
        return received;
    }

    /** The loop is done: releases a waiting hook, or removes the hook when no shutdown is under way. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running and has just been released
        }
    }
}
