package dev.peregrine.capture.scap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureProblem;
import dev.peregrine.capture.CaptureSource;
import dev.peregrine.event.Event;
import dev.peregrine.event.EventTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipelinedSourceTest {
    /** What a consumer sees: blocks and events in order (as text), the event numbers, and the problem. */
    private record Seen(List<String> items, List<Long> numbers, Optional<CaptureProblem> problem, long leftOut) {
    }

    private static Seen drain(CaptureSource source, List<String> items) {
        List<Long> numbers = new ArrayList<>();
        while (source.next() == CaptureSource.Next.EVENT) {
            items.add(Event.copyOf(source.event()).toString());
            numbers.add(source.eventCount() + source.eventsLeftOut());
        }
        return new Seen(items, numbers, source.problem(), source.eventsLeftOut());
    }

    private static Seen direct(Path file, IntPredicate wanted) throws IOException {
        List<String> items = new ArrayList<>();
        try (ScapFileSource s = ScapFileSource.open(file, b -> items.add(b.toString()))) {
            if (wanted != null) {
                s.skipEventsNotNeeded(wanted);
            }
            return drain(s, items);
        }
    }

    private static Seen pipelined(Path file, IntPredicate wanted) throws IOException {
        List<String> items = new ArrayList<>();
        try (PipelinedSource s = PipelinedSource.open(file, false, wanted, b -> items.add(b.toString()))) {
            return drain(s, items);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat_write.scap", "libs_curl_google.scap", "syscall.scap", "connect_localhost.scap",
        "empty.scap", "open-multiple-files.scap"})
    void next_sampleCapture_sameBlocksEventsAndNumbersAsTheDirectSource(String name) throws IOException {
        Path file = Upstream.capture(name);

        Seen expected = direct(file, null);

        assertThat(pipelined(file, null)).isEqualTo(expected);
    }

    @Test
    void next_eventsLeftOut_keepTheNumbersOfTheWholeCapture() throws IOException {
        Path file = Upstream.capture("libs_curl_google.scap");
        int open = EventTable.get().all().stream().filter(e -> e.name().equals("openat")
                || e.name().equals("open")).findFirst().orElseThrow().code();
        IntPredicate onlyOpen = code -> EventTable.get().byCode(code).name().equals(
                EventTable.get().byCode(open).name());

        Seen all = direct(file, null);
        Seen direct = direct(file, onlyOpen);
        Seen piped = pipelined(file, onlyOpen);

        assertThat(piped).isEqualTo(direct);
        assertThat(direct.numbers()).hasSizeLessThan(all.numbers().size()).isNotEmpty();
        assertThat(direct.leftOut() + direct.numbers().size()).isEqualTo(all.numbers().size());
        for (int i = 0; i < direct.numbers().size(); i++) {
            long number = direct.numbers().get(i);
            String event = direct.items().get(direct.items().size() - direct.numbers().size() + i);
            assertThat(all.items()).contains(event);
            assertThat(all.numbers()).contains(number);
        }
    }

    @Test
    void next_truncatedCapture_sameEventsAndProblem(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(Upstream.capture("libs_curl_google.scap"));
        Path cut = dir.resolve("cut.scap");
        Files.write(cut, Arrays.copyOf(full, full.length * 2 / 3));

        Seen expected = direct(cut, null);

        assertThat(expected.problem()).isPresent();
        assertThat(pipelined(cut, null)).isEqualTo(expected);
    }

    @Test
    void close_beforeTheEnd_stopsTheReader() throws IOException {
        PipelinedSource s = PipelinedSource.open(Upstream.capture("libs_curl_google.scap"), false, null, b -> { });
        assertThat(s.next()).isEqualTo(CaptureSource.Next.EVENT);

        s.close();

        assertThat(s.next()).isEqualTo(CaptureSource.Next.EOF);
    }
}
