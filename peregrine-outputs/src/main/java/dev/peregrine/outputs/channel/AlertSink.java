package dev.peregrine.outputs.channel;

import dev.peregrine.outputs.format.FormattedAlert;

/**
 * Where alerts go (Falco's output channels). {@link #emit} is called from the thread that evaluates events, in event
 * order; {@link #close} flushes and releases the channel.
 */
public interface AlertSink extends AutoCloseable {
    /** Delivers one alert. A failing channel reports the failure and keeps accepting alerts, as Falco does. */
    void emit(FormattedAlert alert);

    /** Flushes buffered alerts (also called between alerts when outputs are unbuffered). */
    void flush();

    @Override
    void close();
}
