package dev.peregrine.capture.scap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScapFileWriterTest {
    @TempDir
    Path tmp;

    static Stream<String> captures() {
        return Stream.of("cat_write.scap", "connect_localhost.scap", "empty.scap", "libs_curl_google.scap",
                "libs_sample.scap", "open-multiple-files.scap", "ping_sendto.scap", "syscall.scap");
    }

    /** Everything a read produced: events with their flags, and state records without offsets or block types. */
    record Capture(List<Event> events, List<Integer> flags, List<Object> state) {
    }

    static Capture read(Path file, boolean convert) throws IOException {
        List<Event> events = new ArrayList<>();
        List<Integer> flags = new ArrayList<>();
        List<Object> state = new ArrayList<>();
        java.util.function.Consumer<ScapBlock> listener = b -> state.add(content(b));
        try (ScapFileSource s = convert ? ScapFileSource.open(file, listener)
                : ScapFileSource.openAsWritten(file, listener)) {
            while (s.next() == Next.EVENT) {
                events.add(Event.copyOf(s.event()));
                flags.add(s.eventFlags());
            }
            assertThat(s.problem()).as("problem reading %s", file).isEmpty();
        }
        return new Capture(events, flags, state);
    }

    /** The part of a block that must survive a rewrite: its records, not its offset or layout version. */
    static Object content(ScapBlock b) {
        return switch (b) {
            case ScapBlock.SectionHeader h -> "section";
            case ScapBlock.Machine m -> m.info();
            case ScapBlock.Processes p -> p.threads();
            case ScapBlock.Fds f -> List.of(f.tid(), f.fds());
            case ScapBlock.Interfaces i -> i.interfaces();
            case ScapBlock.Users u -> List.of(u.users(), u.groups());
            case ScapBlock.Unknown u -> "unknown " + u.typeCode();
        };
    }

    /** Reads {@code in} and writes every block and event to {@code out}. */
    static void copy(Path in, Path out, boolean convert, boolean gzip) throws IOException {
        copy(in, out, convert, gzip, ScapFileWriter.Layout.CURRENT);
    }

    static void copy(Path in, Path out, boolean convert, boolean gzip, ScapFileWriter.Layout layout)
            throws IOException {
        try (ScapFileWriter w = ScapFileWriter.create(out, gzip, layout)) {
            List<ScapBlock> pending = new ArrayList<>();
            java.util.function.Consumer<ScapBlock> listener = pending::add;
            try (ScapFileSource s = convert ? ScapFileSource.open(in, listener)
                    : ScapFileSource.openAsWritten(in, listener)) {
                while (true) {
                    Next n = s.next();
                    for (ScapBlock b : pending) {
                        w.write(b);
                    }
                    pending.clear();
                    if (n != Next.EVENT) {
                        break;
                    }
                    w.writeEvent(s.event(), Math.max(s.event().cpu(), 0), s.eventFlags());
                }
                assertThat(s.problem()).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void write_sharedCaptureAsWritten_readsBackIdentical(String file) throws IOException {
        Path in = SampleCapturesTest.capture(file);
        Path out = tmp.resolve(file);
        copy(in, out, false, false);

        Capture original = read(in, false);
        Capture copy = read(out, false);

        assertThat(copy.events()).isEqualTo(original.events());
        assertThat(copy.flags()).isEqualTo(original.flags());
        assertThat(copy.state()).isEqualTo(original.state());
        assertThat(read(out, true).events()).as("converted events of the copy")
                .isEqualTo(read(in, true).events());
    }

    @ParameterizedTest
    @MethodSource("captures")
    void write_convertedCaptureGzipped_readsBackInCurrentLayouts(String file) throws IOException {
        Path in = SampleCapturesTest.capture(file);
        Path out = tmp.resolve(file + ".gz");
        copy(in, out, true, true);

        Capture converted = read(in, true);
        Capture copy = read(out, false);

        assertThat(Files.readAllBytes(out)[0] & 0xFF).as("gzip magic").isEqualTo(0x1f);
        assertThat(copy.events()).isEqualTo(converted.events());
        assertThat(copy.state()).isEqualTo(converted.state());
        // already current: a second conversion changes nothing
        assertThat(read(out, true).events()).isEqualTo(converted.events());
    }

    @Test
    void write_blocks_useCurrentTypesAndSectionVersion() throws IOException {
        Path out = tmp.resolve("x.scap");
        copy(SampleCapturesTest.capture("cat_write.scap"), out, false, false);
        List<ScapBlock> blocks = new ArrayList<>();
        try (ScapFileSource s = ScapFileSource.openAsWritten(out, blocks::add)) {
            while (s.next() == Next.EVENT) {
                // drain
            }
            assertThat(s.blockInventory()).containsOnlyKeys("SHB", "MI", "PL_V9", "FDL_V2", "EV_V2", "IL_V2",
                    "UL_V2");
        }
        assertThat(blocks.getFirst()).isInstanceOfSatisfying(ScapBlock.SectionHeader.class, h -> {
            assertThat(h.major()).isEqualTo(1);
            assertThat(h.minor()).isEqualTo(2);
            assertThat(h.sectionLength()).isEqualTo(-1);
        });
    }

    @Test
    void writeEvent_copiedEventWithFlags_readsBackAsEvfBlock() throws IOException {
        Event open = read(SampleCapturesTest.capture("syscall.scap"), true).events().stream()
                .filter(e -> e.type() == 3).findFirst().orElseThrow();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ScapFileWriter w = ScapFileWriter.open(bytes, false)) {
            w.writeEvent(open, 1);
            assertThat(w.eventCount()).isEqualTo(1);
        }
        try (ScapFileSource s = ScapFileSource.open(new java.io.ByteArrayInputStream(bytes.toByteArray()), "mem",
                TableEventShapes.standard(), b -> { })) {
            assertThat(s.next()).isEqualTo(Next.EVENT);
            assertThat(Event.copyOf(s.event())).isEqualTo(open);
            assertThat(s.eventFlags()).isEqualTo(1);
            assertThat(s.blockInventory()).containsEntry("EVF_V2", 1L);
            assertThat(s.next()).isEqualTo(Next.EOF);
            assertThat(s.problem()).isEmpty();
        }
    }

    @Test
    void write_fdTypesNewerThanSysdig029_unsupportedOnlyInCompatLayout(@TempDir Path dir) throws IOException {
        List<dev.peregrine.capture.FdInfo> fds = List.of(
                new dev.peregrine.capture.FdInfo.Named(3, 11, dev.peregrine.capture.FdType.BPF, "anon_inode:bpf-map"),
                new dev.peregrine.capture.FdInfo.Named(4, 12, dev.peregrine.capture.FdType.MEMFD, "memfd:x"),
                new dev.peregrine.capture.FdInfo.Named(5, 13, dev.peregrine.capture.FdType.FIFO, "pipe:[13]"));
        for (ScapFileWriter.Layout layout : ScapFileWriter.Layout.values()) {
            Path file = dir.resolve(layout + ".scap");
            try (ScapFileWriter w = ScapFileWriter.create(file, false, layout)) {
                w.write(new ScapBlock.Fds(0, BlockType.FDL_V2, 42, fds));
            }
            List<ScapBlock> blocks = new ArrayList<>();
            try (ScapFileSource src = ScapFileSource.open(file, blocks::add)) {
                assertThat(src.next()).isEqualTo(Next.EOF);
            }
            List<String> read = blocks.stream().filter(ScapBlock.Fds.class::isInstance)
                    .flatMap(b -> ((ScapBlock.Fds) b).fds().stream())
                    .map(f -> f.fd() + " " + f.type() + " " + ((dev.peregrine.capture.FdInfo.Named) f).name()).toList();
            assertThat(read).as(layout.toString()).containsExactly(
                    layout == ScapFileWriter.Layout.CURRENT ? "3 BPF anon_inode:bpf-map" : "3 UNSUPPORTED anon_inode:bpf-map",
                    layout == ScapFileWriter.Layout.CURRENT ? "4 MEMFD memfd:x" : "4 UNSUPPORTED memfd:x",
                    "5 FIFO pipe:[13]");
        }
    }

    @Test
    void writeEvent_views_allocateNoBytesPerEvent() throws IOException {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean tb
                && tb.isThreadAllocatedMemorySupported(), "thread allocation counters are not available");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        // converted events: most exits are split back into enter + exit pairs
        List<Event> events = read(SampleCapturesTest.capture("cat_write.scap"), true).events();
        List<dev.peregrine.event.EventView> views = new ArrayList<>();
        for (Event e : events) {
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            try (ScapFileWriter w = ScapFileWriter.open(one, false)) {
                w.writeEvent(e, 0);
            }
            byte[] block = one.toByteArray();
            // the file is a section header block, then the event block: header, cpu, event
            int at = SECTION_HEADER_BLOCK_BYTES + ScapFileSource.BLOCK_HEADER_BYTES + Short.BYTES;
            dev.peregrine.event.EventView v = dev.peregrine.event.EventView.forTable(dev.peregrine.event.EventTable.get());
            v.pointAt(java.lang.foreign.MemorySegment.ofArray(block), at, 0);
            views.add(v);
        }
        OutputStreamSink sink = new OutputStreamSink();
        try (ScapFileWriter w = ScapFileWriter.open(sink, false, ScapFileWriter.Layout.SYSDIG_0_29)) {
            for (int round = 0; round < 3; round++) {
                for (dev.peregrine.event.EventView v : views) {
                    w.writeEvent(v);
                }
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 50; round++) {
                for (dev.peregrine.event.EventView v : views) {
                    w.writeEvent(v);
                }
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat((double) allocated / (50.0 * views.size())).as("bytes per event (%d in all)", allocated)
                    .isLessThan(1);
        }
        assertThat(sink.bytes).isPositive();
    }

    /** Bytes of the section header block the writer puts first. */
    private static final int SECTION_HEADER_BLOCK_BYTES = ScapFileSource.BLOCK_HEADER_BYTES
            + ScapFileSource.SECTION_HEADER_BODY_BYTES + ScapFileSource.BLOCK_TRAILER_BYTES;

    /** Counts bytes and keeps none. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
