package dev.peregrine.outputs.channel;

import dev.peregrine.outputs.format.FormattedAlert;
import java.util.List;

/** Several channels as one sink: every alert goes to each channel, in order. */
public final class Channels implements AlertSink {
    private final List<AlertSink> sinks;

    public Channels(List<AlertSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    /** {@return the channels, in delivery order} */
    public List<AlertSink> sinks() {
        return sinks;
    }

    @Override
    public void emit(FormattedAlert alert) {
        for (AlertSink s : sinks) {
            s.emit(alert);
        }
    }

    @Override
    public void flush() {
        sinks.forEach(AlertSink::flush);
    }

    @Override
    public void close() {
        sinks.forEach(AlertSink::close);
    }
}
