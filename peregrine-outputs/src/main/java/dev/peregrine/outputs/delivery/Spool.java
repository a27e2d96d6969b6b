package dev.peregrine.outputs.delivery;

import dev.peregrine.outputs.delivery.SpoolCodec.Sequenced;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One target's spool directory: alerts waiting for the target, in sequence order, in segment files
 * {@code <first seq>.jsonl}, plus {@code acked} (the highest sequence number the target accepted). Not
 * thread-safe: the owning lane calls it under its lock.
 */
final class Spool {
    /*
     * Implementation notes:
     * - Every alert of a target has a sequence number, increasing across restarts (the next start continues after
     *   the highest one found here). Segments are named by their first number, so a directory listing in name
     *   order is delivery order, also for the segment written at shutdown from the in-memory backlog (whose
     *   numbers are all lower than any spooled one: the lane stops filling memory while the spool is not empty).
     * - acked is replaced atomically (write + rename) after each batch read from the spool is accepted, then the
     *   fully delivered head segment is deleted. A kill between the acceptance and the rename re-sends that one
     *   batch at the next start; nothing else is sent twice.
     * - A segment being read is sealed first (the writer moves on to a new segment), so files are never read and
     *   appended at once. Lines that do not decode (a torn last line after a crash) are skipped and counted.
     * - Writes go to the page cache (flushed per alert, not fsynced): the spool survives a restart of Peregrine,
     *   not a power loss.
     */

    /** Size beyond which a new segment file is started. */
    static final long SEGMENT_MAX_BYTES = 4L << 20;

    private static final String SUFFIX = ".jsonl";
    private static final String ACKED = "acked";

    private final Path dir;
    private final long maxBytes;
    /** Segment files by first sequence number, oldest first, with their alert counts still to deliver. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    private long bytes;
    private long pending;
    private long acked;
    private long maxSeq;
    private long corruptLines;
    private BufferedWriter tail;
    private long tailFirstSeq = -1;
    private long tailBytes;
    /** The undelivered alerts of the head segment, once it is being read. */
    private Deque<Sequenced> head;
    private long headFirstSeq = -1;

    private Spool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Opens (creating if needed) a spool directory and counts what it holds. */
    static Spool open(Path dir, long maxBytes) throws IOException {
        Files.createDirectories(dir);
        Spool s = new Spool(dir, maxBytes);
        Path ackFile = dir.resolve(ACKED);
        if (Files.exists(ackFile)) {
            try {
                s.acked = Long.parseLong(Files.readString(ackFile).strip());
            } catch (NumberFormatException e) {
                throw new IOException("spool " + dir + ": " + ACKED + " does not hold a number", e);
            }
        }
        s.maxSeq = s.acked;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList()) {
                String name = f.getFileName().toString();
                long first;
                try {
                    first = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                } catch (NumberFormatException e) {
                    continue;
                }
                long count = 0;
                for (Sequenced a : s.read(f, true)) {
                    s.maxSeq = Math.max(s.maxSeq, a.seq());
                    if (a.seq() > s.acked) {
                        count++;
                    }
                }
                if (count == 0) {
                    Files.delete(f);
                    continue;
                }
                s.segments.put(first, f);
                s.bytes += Files.size(f);
                s.pending += count;
            }
        }
        return s;
    }

    /** {@return the sequence number the next new alert gets} */
    long nextSeq() {
        return maxSeq + 1;
    }

    long pending() {
        return pending;
    }

    boolean isEmpty() {
        return pending == 0;
    }

    /** {@return lines found at open that are not alerts (skipped)} */
    long corruptLines() {
        return corruptLines;
    }

    Path dir() {
        return dir;
    }

    /**
     * Appends an alert after every spooled one.
     *
     * @return false when the spool is full (the alert is not written)
     */
    boolean append(Sequenced a) throws IOException {
        String line = SpoolCodec.encode(a) + "\n";
        byte[] data = line.getBytes(StandardCharsets.UTF_8);
        if (bytes + data.length > maxBytes) {
            return false;
        }
        if (tail == null || tailBytes >= SEGMENT_MAX_BYTES) {
            closeTail();
            Path f = segmentFile(a.seq());
            tail = Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            tailFirstSeq = a.seq();
            tailBytes = 0;
            segments.put(a.seq(), f);
        }
        tail.write(line);
        tail.flush();
        tailBytes += data.length;
        bytes += data.length;
        pending++;
        maxSeq = Math.max(maxSeq, a.seq());
        return true;
    }

    /**
     * Writes alerts that come before every spooled one (the in-memory backlog at shutdown) into a segment of
     * their own, ignoring the size limit: they were accepted before anything now in the spool.
     */
    void prepend(List<Sequenced> alerts) throws IOException {
        if (alerts.isEmpty()) {
            return;
        }
        if (!segments.isEmpty() && alerts.getLast().seq() >= segments.firstKey()) {
            throw new IllegalStateException("prepended alerts must come before the spooled ones");
        }
        Path f = segmentFile(alerts.getFirst().seq());
        StringBuilder sb = new StringBuilder();
        for (Sequenced a : alerts) {
            sb.append(SpoolCodec.encode(a)).append('\n');
        }
        Files.writeString(f, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.put(alerts.getFirst().seq(), f);
        bytes += Files.size(f);
        pending += alerts.size();
        for (Sequenced a : alerts) {
            maxSeq = Math.max(maxSeq, a.seq());
        }
    }

    /** {@return up to {@code max} of the oldest undelivered alerts (empty when the spool is empty)} */
    List<Sequenced> peek(int max) throws IOException {
        if (head == null || head.isEmpty()) {
            loadHead();
        }
        List<Sequenced> out = new ArrayList<>();
        if (head == null) {
            return out;
        }
        for (Sequenced a : head) {
            if (out.size() == max) {
                break;
            }
            out.add(a);
        }
        return out;
    }

    /** Marks the first {@code n} alerts {@link #peek} returned as delivered (or given up). */
    void ack(int n) throws IOException {
        long last = acked;
        for (int i = 0; i < n; i++) {
            last = head.removeFirst().seq();
            pending--;
        }
        acked = last;
        writeAcked();
        if (head.isEmpty()) {
            Path f = segments.remove(headFirstSeq);
            if (f != null) {
                bytes -= Files.size(f);
                Files.delete(f);
            }
            head = null;
            headFirstSeq = -1;
        }
    }

    void close() throws IOException {
        closeTail();
        writeAcked();
    }

    private void loadHead() throws IOException {
        head = null;
        while (!segments.isEmpty()) {
            long first = segments.firstKey();
            Path f = segments.get(first);
            if (first == tailFirstSeq) {
                closeTail();
            }
            Deque<Sequenced> alerts = new ArrayDeque<>();
            for (Sequenced a : read(f, false)) {
                if (a.seq() > acked) {
                    alerts.add(a);
                }
            }
            if (!alerts.isEmpty()) {
                head = alerts;
                headFirstSeq = first;
                return;
            }
            segments.remove(first);
            bytes -= Files.size(f);
            Files.delete(f);
        }
        // nothing left on disk: whatever the count said (lines that no longer decode), the spool is empty
        pending = 0;
        bytes = 0;
    }

    private List<Sequenced> read(Path f, boolean countCorrupt) throws IOException {
        List<Sequenced> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(SpoolCodec.decode(line));
            } catch (IllegalArgumentException e) {
                if (countCorrupt) {
                    corruptLines++;
                }
            }
        }
        return out;
    }

    private void closeTail() throws IOException {
        if (tail != null) {
            tail.close();
            tail = null;
            tailFirstSeq = -1;
        }
    }

    private void writeAcked() throws IOException {
        Path tmp = dir.resolve(ACKED + ".tmp");
        Files.writeString(tmp, Long.toString(acked));
        Files.move(tmp, dir.resolve(ACKED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path segmentFile(long firstSeq) {
        return dir.resolve(String.format("%020d%s", firstSeq, SUFFIX));
    }
}
