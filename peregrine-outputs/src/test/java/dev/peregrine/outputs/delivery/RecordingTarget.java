package dev.peregrine.outputs.delivery;

import dev.peregrine.outputs.format.FormattedAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A target that records what it gets; it can be made to fail or to block until released. */
final class RecordingTarget implements AlertTarget {
    private final String name;
    private final int maxBatch;
    private final List<String> lines = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    volatile DeliveryException failure;
    /** When set and true for a call, that call fails (retryably, surely undelivered). */
    volatile java.util.function.BooleanSupplier failNow;
    volatile CountDownLatch gate;

    RecordingTarget(String name, int maxBatch) {
        this.name = name;
        this.maxBatch = maxBatch;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(List<FormattedAlert> batch) throws DeliveryException {
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeliveryException("interrupted", true, true, e);
            }
        }
        DeliveryException f = failure;
        if (f != null) {
            throw f;
        }
        java.util.function.BooleanSupplier fail = failNow;
        if (fail != null && fail.getAsBoolean()) {
            throw new DeliveryException("flaky", true, null);
        }
        synchronized (this) {
            batch.forEach(a -> lines.add(a.line()));
            batchSizes.add(batch.size());
        }
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }
}
