package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.format.FormattedAlert;
import java.io.PrintWriter;

/** Falco's {@code stdout_output}: one alert per line; flushed after each alert unless buffered. */
public final class StdoutChannel implements AlertSink {
    private final PrintWriter out;
    private final boolean buffered;

    public StdoutChannel(PrintWriter out, boolean buffered) {
        this.out = requireNonNull(out, "out is null");
        this.buffered = buffered;
    }

    @Override
    public void emit(FormattedAlert alert) {
        out.print(alert.line());
        out.print('\n');
        if (!buffered) {
            out.flush();
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
