package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.format.FormattedAlert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Falco's {@code file_output}: appends one alert per line to a file. With {@code keepAlive} the file stays open;
 * otherwise it is opened and closed for every alert, so log rotation works without a reopen signal.
 */
public final class FileChannel implements AlertSink {
    private final Path file;
    private final boolean keepAlive;
    private final boolean buffered;
    private final Consumer<String> errors;
    private Writer writer;

    /**
     * @param errors receives a message when the file cannot be written (the alert is then lost, as in Falco)
     */
    public FileChannel(Path file, boolean keepAlive, boolean buffered, Consumer<String> errors) {
        this.file = requireNonNull(file, "file is null");
        this.keepAlive = keepAlive;
        this.buffered = buffered;
        this.errors = requireNonNull(errors, "errors is null");
    }

    @Override
    public synchronized void emit(FormattedAlert alert) {
        try {
            if (writer == null) {
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            }
            writer.write(alert.line());
            writer.write('\n');
            if (!keepAlive) {
                writer.close();
                writer = null;
            } else if (!buffered) {
                writer.flush();
            }
        } catch (IOException | UncheckedIOException e) {
            errors.accept("file output: cannot write " + file + ": " + e.getMessage());
            writer = null;
        }
    }

    @Override
    public synchronized void flush() {
        try {
            if (writer != null) {
                writer.flush();
            }
        } catch (IOException e) {
            errors.accept("file output: cannot write " + file + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (writer != null) {
                writer.close();
            }
        } catch (IOException e) {
            errors.accept("file output: cannot close " + file + ": " + e.getMessage());
        } finally {
            writer = null;
        }
    }
}
