package dev.peregrine.state;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Well-formed events with damaged parameter values (every event of the shared captures, bytes flipped inside the
 * parameters, lengths kept consistent) never make the engine throw: bad values give odd state, not exceptions.
 */
class StateEngineDamageTest {
    private static final int ROUNDS = 30;
    private static final int FLIPS_PER_EVENT = 3;

    @Test
    void onEvent_flippedParameterBytes_neverThrows() throws Exception {
        List<byte[]> events = new ArrayList<>();
        List<ScapBlock> blocks = new ArrayList<>();
        for (String capture : List.of("cat_write", "connect_localhost", "libs_curl_google", "libs_sample",
                "open-multiple-files", "ping_sendto", "syscall")) {
            try (ScapFileSource src = ScapFileSource.open(Upstream.capture(capture + ".scap"), blocks::add)) {
                while (src.next() == CaptureSource.Next.EVENT) {
                    EventView v = src.event();
                    events.add(v.segment().asSlice(v.offset(), v.len()).toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
        Random random = new Random(0);
        EventView view = EventView.forTable(EventTable.get());
        for (int round = 0; round < ROUNDS; round++) {
            StateEngine engine = new StateEngine();
            blocks.forEach(engine::onBlock);
            for (byte[] original : events) {
                byte[] b = original.clone();
                view.pointAt(MemorySegment.ofArray(b), 0, 0);
                int n = view.nparams();
                if (n > 0) {
                    long valuesAt = view.paramOffset(0);
                    int span = (int) (b.length - valuesAt);
                    for (int f = 0; f < FLIPS_PER_EVENT && span > 0; f++) {
                        b[(int) valuesAt + random.nextInt(span)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                EventView damaged = EventView.forTable(EventTable.get()).pointAt(MemorySegment.ofArray(b), 0, 0);
                assertThatCode(() -> engine.onEvent(damaged)).as("event %s", damaged).doesNotThrowAnyException();
            }
        }
    }
}
