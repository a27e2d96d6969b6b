package dev.peregrine.outputs.delivery;

import dev.peregrine.outputs.delivery.SpoolCodec.Sequenced;
import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One target's path: the queue the event thread offers to, an intake thread that numbers alerts and keeps them in
 * memory (or spools them), and a sender thread that delivers them in order with retries.
 */
final class TargetLane {
    /*
     * Implementation notes:
     * - The event thread only calls queue.offer (never blocks). The intake thread moves alerts into the bounded
     *   in-memory backlog while the spool is empty and the backlog has room, otherwise to the spool, so a dead
     *   target costs memory only up to the backlog and the queue keeps draining. Without a spool the intake
     *   waits for room, the queue fills and the event thread drops (queue_full).
     * - Order: backlog alerts are always older than spooled ones (memory is used only while the spool is empty),
     *   and the sender sends the backlog first, then the spool, so a target sees alerts in event order.
     * - The sender keeps retrying the oldest batch with exponential backoff while the failure is retryable; a
     *   non-retryable failure drops the batch (rejected). Retrying forever is safe: later alerts go to the spool.
     */

    static final String QUEUE_FULL = "queue_full";
    static final String REJECTED = "rejected";
    static final String SPOOL_FULL = "spool_full";
    static final String SPOOL_ERROR = "spool_error";
    static final String SHUTDOWN = "shutdown";
    static final String TARGET_ERROR = "target_error";

    /** Stands for the queue-full message, built only when logged (the event thread must not allocate it). */
    private static final String QUEUE_FULL_WHY = new String("queue full");

    /** How long the intake waits for an alert before checking whether it should stop. */
    private static final long INTAKE_POLL_MILLIS = 50;

    private final String name;
    private final AlertTarget target;
    private final Priority minimumPriority;
    private final DeliveryOptions options;
    private final Consumer<String> log;
    private final BlockingQueue<FormattedAlert> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition progress = lock.newCondition();
    private final ArrayDeque<Sequenced> backlog = new ArrayDeque<>();
    private final Spool spool;
    private long nextSeq;
    /** Alerts the event thread put in the queue, and those the intake took out of it (under the lock). */
    private final AtomicLong offered = new AtomicLong();
    private long taken;
    private boolean inFlight;
    private volatile boolean stopping;
    private volatile boolean aborted;
    private volatile boolean down;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong maybeDuplicated = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final Set<String> reasonsLogged = ConcurrentHashMap.newKeySet();
    private volatile String lastError = "";

    private Thread intake;
    private Thread sender;

    TargetLane(String name, ConfiguredTarget configured, DeliveryOptions options, Consumer<String> log)
            throws IOException {
        this.name = name;
        this.target = configured.target();
        this.minimumPriority = configured.minimumPriority();
        this.options = options;
        this.log = log;
        this.queue = options.queueCapacity() == 0 ? new LinkedBlockingQueue<>()
                : new LinkedBlockingQueue<>(options.queueCapacity());
        this.spool = options.spoolDir().isPresent()
                ? Spool.open(options.spoolDir().get().resolve(name), options.spoolMaxBytes()) : null;
        this.nextSeq = spool == null ? 1 : spool.nextSeq();
        if (spool != null && !spool.isEmpty()) {
            log.accept(name + ": " + spool.pending() + " alerts spooled in " + spool.dir()
                    + " by an earlier run will be delivered first");
        }
    }

    void start() {
        intake = Thread.ofVirtual().name("peregrine-intake-" + name).start(this::intakeLoop);
        sender = Thread.ofVirtual().name("peregrine-sender-" + name).start(this::senderLoop);
    }

    String name() {
        return name;
    }

    /** Called on the event thread: never blocks. */
    void offer(FormattedAlert alert) {
        if (alert.priority().ordinal() > minimumPriority.ordinal()) {
            return;
        }
        if (stopping || !queue.offer(alert)) {
            drop(QUEUE_FULL, 1, QUEUE_FULL_WHY);
        } else {
            offered.incrementAndGet();
        }
    }

    // ---- intake ----------------------------------------------------------------------------------------------

    private void intakeLoop() {
        try {
            while (!aborted) {
                FormattedAlert a = queue.poll(INTAKE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (a == null) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                accept(a);
            }
        } catch (InterruptedException e) {
            // aborted at shutdown: close() takes what is left in the queue
        }
    }

    private void accept(FormattedAlert a) throws InterruptedException {
        lock.lock();
        try {
            taken++;
            if (spool == null) {
                try {
                    while (backlog.size() >= options.memoryBacklog()) {
                        if (aborted) {
                            throw new InterruptedException();
                        }
                        progress.await(INTAKE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    drop(SHUTDOWN, 1, "undelivered at shutdown");
                    throw e;
                }
            }
            Sequenced s = new Sequenced(nextSeq++, a);
            if (spool == null || (spool.isEmpty() && backlog.size() < options.memoryBacklog())) {
                backlog.addLast(s);
            } else {
                toSpool(s);
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void toSpool(Sequenced s) {
        try {
            if (spool.append(s)) {
                spooled.incrementAndGet();
            } else {
                drop(SPOOL_FULL, 1, "spool " + spool.dir() + " full (" + options.spoolMaxBytes() + " bytes)");
            }
        } catch (IOException e) {
            drop(SPOOL_ERROR, 1, "cannot write spool " + spool.dir() + ": " + e.getMessage());
        }
    }

    // ---- sender ----------------------------------------------------------------------------------------------

    private void senderLoop() {
        long backoffNanos = options.retryInitial().toNanos();
        try {
            while (true) {
                List<Sequenced> batch;
                boolean fromSpool;
                lock.lock();
                try {
                    while (backlog.isEmpty() && (spool == null || spool.isEmpty())) {
                        inFlight = false;
                        progress.signalAll();
                        if (stopping && intake != null && !intake.isAlive() && queue.isEmpty()) {
                            return;
                        }
                        work.await(INTAKE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                    }
                    inFlight = true;
                    fromSpool = backlog.isEmpty();
                    batch = fromSpool ? readSpool() : firstOfBacklog();
                } finally {
                    lock.unlock();
                }
                if (batch.isEmpty()) {
                    // the spool could not be read (logged): wait before trying again
                    TimeUnit.NANOSECONDS.sleep(options.retryMax().toNanos());
                    continue;
                }
                List<FormattedAlert> alerts = new ArrayList<>(batch.size());
                batch.forEach(s -> alerts.add(s.alert()));
                boolean retry = false;
                while (true) {
                    try {
                        if (retry) {
                            retried.addAndGet(alerts.size());
                        }
                        target.deliver(alerts);
                        sent.addAndGet(alerts.size());
                        if (down) {
                            down = false;
                            log.accept(name + ": delivering again" + (spool != null && !spool.isEmpty()
                                    ? "; " + spool.pending() + " spooled alerts to send" : ""));
                        }
                        backoffNanos = options.retryInitial().toNanos();
                        break;
                    } catch (DeliveryException e) {
                        if (aborted) {
                            return; // cut short by stop(): not the target's failure; stop() keeps the batch
                        }
                        failures.incrementAndGet();
                        lastError = e.getMessage();
                        if (!e.retryable()) {
                            drop(REJECTED, alerts.size(), "rejected: " + e.getMessage());
                            break;
                        }
                        if (e.maybeDelivered()) {
                            maybeDuplicated.addAndGet(alerts.size());
                        }
                        if (!down) {
                            down = true;
                            log.accept(name + ": delivery failed (" + e.getMessage() + "); retrying with backoff"
                                    + (spool != null ? ", spooling to " + spool.dir() : ""));
                        }
                        TimeUnit.NANOSECONDS.sleep(backoffNanos);
                        backoffNanos = Math.min(backoffNanos * 2, options.retryMax().toNanos());
                        retry = true;
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        lastError = String.valueOf(e);
                        drop(TARGET_ERROR, alerts.size(), "failed: " + e);
                        break;
                    }
                }
                lock.lock();
                try {
                    if (fromSpool) {
                        try {
                            spool.ack(batch.size());
                        } catch (IOException e) {
                            lastError = "cannot update spool " + spool.dir() + ": " + e.getMessage();
                            log.accept(name + ": " + lastError);
                        }
                    } else {
                        for (int i = 0; i < batch.size(); i++) {
                            backlog.removeFirst();
                        }
                    }
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            // aborted at shutdown: close() spools or counts what is left
        }
    }

    private List<Sequenced> firstOfBacklog() {
        List<Sequenced> out = new ArrayList<>(Math.min(backlog.size(), target.maxBatch()));
        for (Sequenced s : backlog) {
            if (out.size() == target.maxBatch()) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    private List<Sequenced> readSpool() {
        try {
            return spool.peek(target.maxBatch());
        } catch (IOException e) {
            lastError = "cannot read spool " + spool.dir() + ": " + e.getMessage();
            log.accept(name + ": " + lastError);
            return List.of();
        }
    }

    // ---- waiting and shutdown -------------------------------------------------------------------------------

    /**
     * Waits until everything offered so far was handled or the deadline; with {@code skipIfDown}, returns at once
     * while the target is failing.
     */
    boolean awaitIdle(long deadlineNanos, boolean skipIfDown) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                // taken == offered: no alert is between the queue and the backlog (held by the intake)
                boolean idle = taken == offered.get() && queue.isEmpty() && backlog.isEmpty() && !inFlight
                        && (spool == null || spool.isEmpty());
                if (idle) {
                    return true;
                }
                if (skipIfDown && down) {
                    return false;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops: lets the threads send what they hold until the deadline, then spools (or drops as {@code shutdown})
     * what is left and closes the target.
     */
    void stop(long deadlineNanos) throws InterruptedException {
        stopping = true;
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            awaitIdle(deadlineNanos, false);
            sender.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        }
        aborted = true;
        intake.interrupt();
        sender.interrupt();
        intake.join();
        sender.join();
        lock.lock();
        try {
            List<Sequenced> rest = new ArrayList<>(backlog);
            backlog.clear();
            List<FormattedAlert> queued = new ArrayList<>();
            queue.drainTo(queued);
            if (spool != null) {
                try {
                    spool.prepend(rest);
                    spooled.addAndGet(rest.size());
                } catch (IOException e) {
                    drop(SPOOL_ERROR, rest.size(), "cannot write spool " + spool.dir() + ": " + e.getMessage());
                }
                for (FormattedAlert a : queued) {
                    toSpool(new Sequenced(nextSeq++, a));
                }
                try {
                    spool.close();
                } catch (IOException e) {
                    log.accept(name + ": cannot close spool " + spool.dir() + ": " + e.getMessage());
                }
            } else if (rest.size() + queued.size() > 0) {
                drop(SHUTDOWN, rest.size() + queued.size(), "undelivered at shutdown");
            }
        } finally {
            lock.unlock();
        }
        try {
            target.close();
        } catch (RuntimeException e) {
            log.accept(name + ": cannot close: " + e.getMessage());
        }
    }

    private void drop(String reason, long n, String why) {
        LongAdder count = dropped.get(reason);
        if (count == null) {
            count = dropped.computeIfAbsent(reason, r -> new LongAdder());
        }
        count.add(n);
        if (!reasonsLogged.contains(reason) && reasonsLogged.add(reason)) {
            String text = why == QUEUE_FULL_WHY ? "queue full (" + options.queueCapacity() + " alerts)" : why;
            log.accept(name + ": dropping alerts: " + text + " (further drops of this kind are counted only)");
        }
    }

    DeliveryCounters counters() {
        Map<String, Long> drops = new java.util.TreeMap<>();
        dropped.forEach((k, v) -> drops.put(k, v.sum()));
        long inMemory;
        long inSpool;
        lock.lock();
        try {
            inMemory = queue.size() + backlog.size();
            inSpool = spool == null ? 0 : spool.pending();
        } finally {
            lock.unlock();
        }
        return new DeliveryCounters(name, sent.get(), retried.get(), maybeDuplicated.get(), spooled.get(),
                failures.get(), inMemory, inSpool, drops, lastError);
    }

    boolean down() {
        return down;
    }
}
