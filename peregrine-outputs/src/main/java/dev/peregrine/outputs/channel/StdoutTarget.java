package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.format.FormattedAlert;
import java.io.PrintWriter;
import java.util.List;

/** Falco's {@code stdout_output}: one alert per line; flushed after each batch unless buffered. */
public final class StdoutTarget implements AlertTarget {
    /** Alerts written per batch. */
    static final int MAX_BATCH = 256;

    private final PrintWriter out;
    private final boolean buffered;

    /**
     * @param out standard output; other writers of it (a program output's child) synchronize on it too, so lines
     *     never interleave
     */
    public StdoutTarget(PrintWriter out, boolean buffered) {
        this.out = requireNonNull(out, "out is null");
        this.buffered = buffered;
    }

    @Override
    public String name() {
        return "stdout";
    }

    @Override
    public void deliver(List<FormattedAlert> batch) {
        synchronized (out) {
            for (FormattedAlert a : batch) {
                out.print(a.line());
                out.print('\n');
            }
            if (!buffered) {
                out.flush();
            }
        }
    }

    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    @Override
    public void close() {
        synchronized (out) {
            out.flush();
        }
    }
}
