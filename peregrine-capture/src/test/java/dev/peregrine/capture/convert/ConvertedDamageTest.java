package dev.peregrine.capture.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.capture.scap.TableEventShapes;
import dev.peregrine.event.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Truncations and bit flips of the shared captures read with conversion: no exception escapes, the stream ends with
 * EOF, and a cut capture delivers a prefix of the intact capture's converted events.
 */
class ConvertedDamageTest {

    record Read(List<Event> events, boolean problem) {
    }

    static Read read(byte[] bytes) {
        List<Event> events = new ArrayList<>();
        ScapFileSource s = ScapFileSource.open(new ByteArrayInputStream(bytes), "damaged.scap",
                TableEventShapes.standard(), EventConverter.standard(), b -> { });
        Next n;
        while ((n = s.next()) == Next.EVENT) {
            events.add(Event.copyOf(s.event()));
        }
        assertThat(n).isEqualTo(Next.EOF);
        assertThat(s.next()).isEqualTo(Next.EOF);
        s.close();
        return new Read(events, s.problem().isPresent());
    }

    static byte[] plain(String file) throws IOException {
        byte[] raw = Files.readAllBytes(EventConverterTest.capture(file));
        if ((raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat_write.scap", "syscall.scap", "libs_curl_google.scap", "open-multiple-files.scap"})
    void damage_sharedCapture_neverThrowsAndCutsDeliverAPrefix(String file) throws IOException {
        byte[] full = plain(file);
        List<Event> all = read(full).events();
        Random random = new Random(file.hashCode() ^ 0x5eed);
        for (int i = 0; i < 300; i++) {
            int at = random.nextInt(full.length);
            if (i % 2 == 0) {
                Read r = read(Arrays.copyOf(full, at));
                // a cut on a block boundary is a clean end, elsewhere a problem: either way a prefix
                assertThat(r.events()).isEqualTo(all.subList(0, r.events().size()));
            } else {
                byte[] damaged = full.clone();
                damaged[at] ^= (byte) (1 << random.nextInt(8));
                read(damaged);
            }
        }
    }

    @Property(tries = 300, seed = "7")
    void anyBitFlip_convertedRead_neverThrows(@ForAll @IntRange(min = 0, max = 1_000_000) int where,
            @ForAll @IntRange(min = 0, max = 7) int bit) throws IOException {
        byte[] bytes = plain("libs_curl_google.scap");
        byte[] damaged = bytes.clone();
        damaged[where % damaged.length] ^= (byte) (1 << bit);
        read(damaged);
    }
}
