package dev.peregrine.benchmarks.replay;

import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.capture.scap.ScapFileWriter;
import dev.peregrine.event.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a long capture for replay throughput measurements from a short real one: one section with the original's
 * state blocks, then its events (as written, so sysdig 0.29.3 reads them the same way) repeated {@code copies} times
 * with timestamps shifted past the previous copy. Unlike concatenated files, it has one section, so neither tool
 * starts over with a new process list at every copy: it looks like a long-running workload repeating itself.
 *
 * <pre>{@code
 * java -cp peregrine-benchmarks/target/benchmarks.jar dev.peregrine.benchmarks.replay.LongCapture \
 *     ../shared/upstream/scap/libs_curl_google.scap /tmp/long.scap 1000
 * }</pre>
 */
public final class LongCapture {
    private LongCapture() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LongCapture IN.scap OUT.scap COPIES");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int copies = Integer.parseInt(args[2]);
        List<ScapBlock> blocks = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (ScapFileSource source = ScapFileSource.openAsWritten(in, blocks::add)) {
            while (source.next() == CaptureSource.Next.EVENT) {
                events.add(Event.copyOf(source.event()));
            }
            if (source.problem().isPresent()) {
                throw new IllegalStateException(source.problem().get().render());
            }
        }
        long first = events.getFirst().ts();
        long span = events.getLast().ts() - first + 1_000_000;
        try (ScapFileWriter writer = ScapFileWriter.create(out, true)) {
            for (ScapBlock b : blocks) {
                writer.write(b);
            }
            for (int c = 0; c < copies; c++) {
                long shift = c * span;
                for (Event e : events) {
                    writer.writeEvent(new Event(e.ts() + shift, e.tid(), e.type(), e.cpu(), e.params()), 0);
                }
            }
        }
        System.out.printf("%s: %d events (%d x %d)%n", out, (long) copies * events.size(), copies, events.size());
    }
}
