package dev.peregrine.capture.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.event.EventView;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link EventConverter#outcome} predicts what {@link EventConverter#convert} does, event by event. */
class EventConverterOutcomeTest {
    @ParameterizedTest
    @ValueSource(strings = {"cat_write.scap", "libs_curl_google.scap", "syscall.scap", "connect_localhost.scap",
        "open-multiple-files.scap", "ping_sendto.scap", "libs_sample.scap"})
    void outcome_everyEventOfASampleCapture_predictsTheConversion(String name) throws IOException {
        EventConverter converter = EventConverter.standard();
        EventConverter predictor = EventConverter.standard();
        int checked = 0;
        try (ScapFileSource s = ScapFileSource.openAsWritten(EventConverterTest.capture(name), b -> { })) {
            while (s.next() == Next.EVENT) {
                EventView v = s.event();
                int outcome = predictor.outcome(v.type(), v.nparams());
                EventConverter.Result result = converter.convert(v);
                if (result == EventConverter.Result.ERROR) {
                    continue;
                }
                assertThat(outcome).as("outcome of event type %d", v.type()).isNotNegative();
                boolean delivered = result != EventConverter.Result.DROP;
                assertThat((outcome & 1) == 1).as("delivery of event type %d", v.type()).isEqualTo(delivered);
                if (result == EventConverter.Result.CONVERTED) {
                    assertThat(outcome >>> 1).isEqualTo(converter.converted().type());
                } else if (delivered) {
                    assertThat(outcome >>> 1).isEqualTo(v.type());
                }
                checked++;
            }
        }
        assertThat(checked).isPositive();
    }
}
