package dev.peregrine.cli.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT/SIGTERM for a loop that must finish cleanly (detach the eBPF driver, flush, print a summary), as Falco stops:
 * the signals set {@link #received()} and the loop ends normally, so the command's exit code is its own (0), not the
 * JVM's 128+signal. Any other JVM shutdown (System.exit, SIGHUP) also sets it, through a shutdown hook that then
 * waits, at most {@link #WAIT_MILLIS}, until the loop {@link #close() closes} this signal. Use in try-with-resources
 * around the loop.
 */
public final class ShutdownSignal implements AutoCloseable {
    /* Implementation notes: sun.misc.Signal (module jdk.unsupported) is the JDK's only way to handle a signal
     * without starting the JVM's shutdown; where it is refused (a signal the JVM reserves, or a JDK without it),
     * the shutdown hook alone still gives a clean stop, with the JVM's exit code. The JVM runs shutdown hooks and
     * exits once they return, so the hook waits for the loop (which sees received() at least every poll interval
     * of the driver). close() restores the previous signal handlers and removes the hook; during a shutdown that
     * removal is refused (the hook is running and is released by the latch). */

    /** Longest wait of the shutdown hook for the loop to finish. */
    public static final long WAIT_MILLIS = 5_000;
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private volatile boolean received;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

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

    /** {@return a signal whose handlers and hook are installed} */
    public static ShutdownSignal install() {
        ShutdownSignal s = new ShutdownSignal();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                s.previous.add(Signal.handle(signal, sig -> s.received = true));
                s.signals.add(signal);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // reserved by the JVM here: the shutdown hook covers it
            }
        }
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** {@return true once SIGINT or SIGTERM arrived or the JVM is shutting down} */
    public boolean received() {
        return received;
    }

    /** The loop is done: restores the signal handlers, releases a waiting hook or removes the hook. */
    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running and has just been released
        }
    }
}
