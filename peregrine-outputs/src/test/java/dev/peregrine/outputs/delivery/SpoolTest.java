package dev.peregrine.outputs.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.outputs.delivery.SpoolCodec.Sequenced;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    @Test
    void reopen_afterPartialAck_keepsOnlyUnackedAndContinuesNumbering() throws Exception {
        Spool s = Spool.open(dir, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            assertThat(s.append(new Sequenced(i, Alerts.numbered(i)))).isTrue();
        }
        assertThat(s.peek(2)).extracting(Sequenced::seq).containsExactly(1L, 2L);
        s.ack(2);
        s.close();
        Spool again = Spool.open(dir, 1 << 20);
        assertThat(again.pending()).isEqualTo(3);
        assertThat(again.nextSeq()).isEqualTo(6);
        assertThat(again.peek(10)).extracting(q -> q.alert().line())
                .containsExactly(Alerts.numbered(3).line(), Alerts.numbered(4).line(), Alerts.numbered(5).line());
    }

    @Test
    void prepend_backlog_comesBeforeSpooledAlerts() throws Exception {
        Spool s = Spool.open(dir, 1 << 20);
        s.append(new Sequenced(10, Alerts.numbered(10)));
        s.prepend(List.of(new Sequenced(8, Alerts.numbered(8)), new Sequenced(9, Alerts.numbered(9))));
        s.close();
        Spool again = Spool.open(dir, 1 << 20);
        assertThat(again.peek(10)).extracting(Sequenced::seq).containsExactly(8L, 9L);
        again.ack(2);
        assertThat(again.peek(10)).extracting(Sequenced::seq).containsExactly(10L);
    }

    @Test
    void append_beyondMaxBytes_refuses() throws Exception {
        Spool s = Spool.open(dir, 300);
        assertThat(s.append(new Sequenced(1, Alerts.numbered(1)))).isTrue();
        assertThat(s.append(new Sequenced(2, Alerts.numbered(2)))).isFalse();
        assertThat(s.pending()).isEqualTo(1);
    }

    @Test
    void open_tornLastLine_skipsItAndCountsIt() throws Exception {
        Spool s = Spool.open(dir, 1 << 20);
        s.append(new Sequenced(1, Alerts.numbered(1)));
        s.close();
        Path seg;
        try (var files = Files.list(dir)) {
            seg = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        Files.writeString(seg, "{\"seq\":2,\"li", StandardOpenOption.APPEND);
        Spool again = Spool.open(dir, 1 << 20);
        assertThat(again.peek(10)).extracting(Sequenced::seq).containsExactly(1L);
        assertThat(again.corruptLines()).isEqualTo(1);
    }

    @Test
    void codec_roundTrip_keepsEveryField() {
        Sequenced a = new Sequenced(7, Alerts.numbered(7));
        Sequenced b = SpoolCodec.decode(SpoolCodec.encode(a));
        assertThat(b).isEqualTo(a);
    }
}
