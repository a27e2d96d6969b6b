package dev.peregrine.state;

import dev.peregrine.capture.CaptureSource;
import dev.peregrine.capture.scap.ScapFileSource;
import dev.peregrine.event.EventTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Prints the rows where the engine and sysdig disagree, for one capture (a development aid). */
final class CaptureDiffMain {
    private CaptureDiffMain() {
    }

    public static void main(String[] args) throws Exception {
        String name = args[0];
        Path golden = Path.of("src/test/resources/dev/peregrine/state/sysdig/" + name + ".txt");
        Map<Long, String> expected = new HashMap<>();
        for (String line : Files.readAllLines(golden)) {
            expected.put(Long.parseLong(line.substring(0, line.indexOf('|'))), line);
        }
        StateEngine engine = new StateEngine();
        EventTable table = EventTable.get();
        int diffs = 0;
        try (ScapFileSource src = ScapFileSource.openAsWritten(Upstream.capture(name + ".scap"), engine::onBlock)) {
            long num = 0;
            while (src.next() == CaptureSource.Next.EVENT) {
                engine.onEvent(src.event());
                if (SysdigRow.unnumbered(table, src.event())) {
                    continue;
                }
                num++;
                String want = expected.get(num);
                if (want == null) {
                    continue;
                }
                String got = SysdigRow.render(num, src.event(), engine, table);
                if (!got.equals(want)) {
                    diffs++;
                    if (diffs < Integer.parseInt(args.length > 1 ? args[1] : "40")) {
                        System.out.println("want " + want + "\n got " + got + "  [" + table.byCode(src.event().type()).codeName() + "]");
                    }
                }
            }
        }
        System.out.println(name + ": " + diffs + " differences of " + expected.size());
    }

    static List<String> captures() {
        return List.of("cat_write", "connect_localhost", "empty", "libs_curl_google", "libs_sample",
                "open-multiple-files", "ping_sendto", "syscall");
    }
}
