package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The addresses of the host names that conditions compare {@code fd.sip.name}, {@code fd.cip.name},
 * {@code fd.lip.name} and {@code fd.rip.name} with, as libsinsp's DNS manager keeps them: a name matches an address
 * when the address is among the name's resolved addresses.
 */
final class DnsNames {
    /*
     * Implementation notes. libsinsp resolves a name synchronously on its first comparison (the event path waits for
     * getaddrinfo) and refreshes it on a thread. Here nothing on the event path ever waits: a name is resolved on a
     * virtual thread from the first time a condition compares an address with it (as in libsinsp, loading rules
     * alone sends no DNS query), and until the first answer it matches no address. Names with addresses are
     * refreshed every REFRESH_NANOS; a name without one is asked again after UNRESOLVED_FIRST_RETRY_NANOS, then at
     * doubling intervals up to MAX_RETRY_NANOS (libsinsp doubles its interval up to 320 s too). Lookups go through InetAddress, so the JDK's own cache applies on
     * top (negative answers kept 10 s, positive 30 s by default): a new name can take that long to match.
     */

    /** Re-resolution interval of a name with addresses. */
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** First re-resolution delay of a name without addresses; doubled after each empty answer. */
    private static final long UNRESOLVED_FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Longest re-resolution delay of a name without addresses. */
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(320);

    private static final Map<String, Entry> NAMES = new ConcurrentHashMap<>();

    /** A name's current addresses (4 or 16 bytes each); replaced whole by the refresher. */
    private static final class Entry {
        final String name;
        final AtomicBoolean started = new AtomicBoolean();
        volatile byte[][] addresses = new byte[0][];
        volatile boolean everResolved;

        Entry(String name) {
            this.name = name;
        }

        /** Starts the lookups on first use (cheap afterwards: one volatile read). */
        void use() {
            if (!started.get() && started.compareAndSet(false, true)) {
                Thread.ofVirtual().name("peregrine-dns-" + name).start(() -> refreshLoop(this));
            }
        }
    }

    private DnsNames() {
    }

    /** {@return a test of an address (4 or 16 bytes) against the addresses of any of {@code names}} */
    static Checks.BytesTest anyOf(List<String> names) {
        Entry[] entries = names.stream().map(DnsNames::track).toArray(Entry[]::new);
        return address -> {
            for (Entry e : entries) {
                e.use();
                for (byte[] a : e.addresses) {
                    if (Arrays.equals(a, address)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    /** Waits until {@code name} has been looked up at least once (tests); false on timeout. */
    static boolean awaitLookup(String name, long timeoutMillis) throws InterruptedException {
        Entry e = track(name);
        e.use();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!e.everResolved && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        return e.everResolved;
    }

    private static Entry track(String name) {
        requireNonNull(name, "name is null");
        return NAMES.computeIfAbsent(name, Entry::new);
    }

    private static void refreshLoop(Entry e) {
        String name = e.name;
        long retry = UNRESOLVED_FIRST_RETRY_NANOS;
        while (true) {
            byte[][] found;
            try {
                InetAddress[] all = InetAddress.getAllByName(name);
                found = new byte[all.length][];
                for (int i = 0; i < all.length; i++) {
                    found[i] = all[i].getAddress();
                }
            } catch (UnknownHostException | SecurityException ex) {
                found = new byte[0][];
            }
            e.addresses = found;
            e.everResolved = true;
            long wait = found.length == 0 ? retry : REFRESH_NANOS;
            retry = found.length == 0 ? Math.min(MAX_RETRY_NANOS, retry * 2) : UNRESOLVED_FIRST_RETRY_NANOS;
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException ex) {
                return;
            }
        }
    }
}
