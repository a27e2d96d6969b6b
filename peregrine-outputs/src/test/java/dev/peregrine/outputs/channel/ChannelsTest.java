package dev.peregrine.outputs.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.outputs.format.FormattedAlert;
import dev.peregrine.rules.load.Priority;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelsTest {
    @TempDir
    Path dir;

    private static FormattedAlert alert(String line) {
        return new FormattedAlert(line, "r", Priority.WARNING, "syscall", List.of(), 1L, line, Map.of());
    }

    @Test
    void stdout_unbuffered_flushesEachLine() {
        StringWriter sw = new StringWriter();
        StdoutChannel c = new StdoutChannel(new PrintWriter(sw, false), false);
        c.emit(alert("a"));
        assertThat(sw.toString()).isEqualTo("a\n");
    }

    @Test
    void file_keepAliveOrNot_appendsEveryAlert() throws Exception {
        for (boolean keepAlive : new boolean[] {true, false}) {
            Path f = dir.resolve("alerts-" + keepAlive + ".txt");
            Files.writeString(f, "old\n");
            try (FileChannel c = new FileChannel(f, keepAlive, true, e -> { })) {
                c.emit(alert("a"));
                c.emit(alert("b"));
            }
            assertThat(Files.readString(f)).isEqualTo("old\na\nb\n");
        }
    }

    @Test
    void file_unwritable_reportsAndKeepsGoing() {
        List<String> errors = new ArrayList<>();
        FileChannel c = new FileChannel(dir.resolve("no/such/dir/f.txt"), false, false, errors::add);
        c.emit(alert("a"));
        c.emit(alert("b"));
        c.close();
        assertThat(errors).hasSize(2).allMatch(e -> e.startsWith("file output: cannot write "));
    }

    @Test
    void program_keepAliveOrNot_receivesAlertsOnStdin() {
        for (boolean keepAlive : new boolean[] {true, false}) {
            StringWriter sw = new StringWriter();
            try (ProgramChannel c = new ProgramChannel("sed s/^/got:/", keepAlive, new PrintWriter(sw), e -> { })) {
                c.emit(alert("a"));
                c.emit(alert("b"));
            }
            assertThat(sw.toString()).as("keepAlive=" + keepAlive).isEqualTo("got:a\ngot:b\n");
        }
    }

    @Test
    void channels_deliverToEachInOrder() {
        StringWriter one = new StringWriter();
        StringWriter two = new StringWriter();
        try (Channels c = new Channels(List.of(new StdoutChannel(new PrintWriter(one), true),
                new StdoutChannel(new PrintWriter(two), true)))) {
            c.emit(alert("x"));
        }
        assertThat(one.toString()).isEqualTo("x\n");
        assertThat(two.toString()).isEqualTo("x\n");
    }
}
