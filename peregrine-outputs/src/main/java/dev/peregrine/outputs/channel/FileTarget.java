package dev.peregrine.outputs.channel;

import static java.util.Objects.requireNonNull;

import dev.peregrine.outputs.delivery.AlertTarget;
import dev.peregrine.outputs.delivery.DeliveryException;
import dev.peregrine.outputs.format.FormattedAlert;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * Falco's {@code file_output}: appends one alert per line to a file. With {@code keepAlive} the file stays open
 * and is reopened when it was rotated (renamed or removed and recreated: the path no longer names the open file);
 * otherwise it is opened for each batch.
 */
public final class FileTarget implements AlertTarget {
    /* Implementation notes: rotation is detected by comparing the file key (device and inode) of the path with the
     * one of the file we opened, before each batch; logrotate's default (rename, then create) and copytruncate
     * (same inode; we append, so writes land at the new end) both work without a signal. A failed write is
     * retryable: a full disk or a missing directory may be fixed, and the delivery layer spools meanwhile. */

    /** Alerts written per batch. */
    static final int MAX_BATCH = 256;
    /** Bytes buffered before a write reaches the file (buffered outputs with keep_alive). */
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path file;
    private final boolean keepAlive;
    private final boolean buffered;
    private OutputStream stream;
    private Object openKey;
    private long reopened;

    public FileTarget(Path file, boolean keepAlive, boolean buffered) {
        this.file = requireNonNull(file, "file is null");
        this.keepAlive = keepAlive;
        this.buffered = buffered;
    }

    @Override
    public String name() {
        return "file";
    }

    @Override
    public synchronized void deliver(List<FormattedAlert> batch) throws DeliveryException {
        try {
            if (stream != null && rotated()) {
                closeStream();
                reopened++;
            }
            if (stream == null) {
                stream = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE), BUFFER_BYTES);
                openKey = key();
            }
            StringBuilder sb = new StringBuilder();
            for (FormattedAlert a : batch) {
                sb.append(a.line()).append('\n');
            }
            stream.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            if (!keepAlive) {
                closeStream();
            } else if (!buffered) {
                stream.flush();
            }
        } catch (IOException e) {
            try {
                closeStream();
            } catch (IOException ignored) {
                // already failing; the first error is reported
            }
            throw new DeliveryException("cannot write " + file + ": " + e, true, null);
        }
    }

    /** {@return how many times the file was reopened after a rotation} */
    public synchronized long reopened() {
        return reopened;
    }

    private boolean rotated() throws IOException {
        try {
            return !Objects.equals(key(), openKey);
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private Object key() throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    private void closeStream() throws IOException {
        if (stream != null) {
            OutputStream s = stream;
            stream = null;
            s.close();
        }
    }

    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    @Override
    public synchronized void close() {
        try {
            closeStream();
        } catch (IOException e) {
            // nothing left to report to: the delivery layer already counted what was written
        }
    }
}
