package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.syntax.ConditionSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPrinterTest {
    private final ReplayPipeline pipeline = new ReplayPipeline("h", ZoneOffset.UTC);

    private List<String> print(String format, String filter, Path capture) throws Exception {
        List<String> lines = new ArrayList<>();
        ReplayStats stats = EventPrinter.compile(format, filter, new SyscallBinding()).print(pipeline, capture,
                lines::add);
        assertThat(stats.eventsMatched()).isEqualTo(lines.size());
        return lines;
    }

    @Test
    void print_filter_onlyMatchingEvents() throws Exception {
        List<String> lines = print("%evt.type %fd.name", "evt.type=open and fd.name=/dev/null",
                Upstream.capture("syscall.scap"));
        assertThat(lines).containsExactly("open /dev/null", "open /dev/null");
    }

    @Test
    void print_missingValueWithoutStar_eventSkipped() throws Exception {
        Path capture = Upstream.capture("cat_write.scap");
        List<String> strict = print("%evt.num %fd.name", "proc.name=cat", capture);
        List<String> all = print("*%evt.num %fd.name", "proc.name=cat", capture);
        assertThat(strict).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain("<NA>"));
        assertThat(all).hasSizeGreaterThan(strict.size()).anySatisfy(l -> assertThat(l).endsWith("<NA>"));
    }

    @Test
    void compile_badFilter_syntaxErrorWithPosition() {
        assertThatThrownBy(() -> EventPrinter.compile("%evt.num", "evt.type=open and (", new SyscallBinding()))
                .isInstanceOf(ConditionSyntaxException.class);
    }

    @Test
    void compile_unknownField_compileError() {
        assertThatThrownBy(() -> EventPrinter.compile("%evt.num", "proc.nme=cat", new SyscallBinding()))
                .isInstanceOf(CompileException.class).hasMessageContaining("proc.nme");
    }

    @Test
    void replay_truncatedCapture_eventsBeforeDamageProcessedAndNonZeroExit(@TempDir Path dir) throws IOException {
        byte[] plain;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Upstream.capture("cat_write.scap")))) {
            plain = in.readAllBytes();
        }
        Path cut = dir.resolve("cut.scap");
        Files.write(cut, Arrays.copyOf(plain, plain.length - 700));
        CollectingSink sink = new CollectingSink();
        SyscallBinding binding = new SyscallBinding();
        var ruleset = ReplayPipelineTest.rule(binding, "evt.type=open and proc.name=cat");
        ReplayStats stats = pipeline.replay(cut, ruleset, binding, sink);
        assertThat(stats.problem()).isPresent();
        assertThat(stats.exitCode()).isEqualTo(ReplayStats.EXIT_CAPTURE_PROBLEM);
        assertThat(stats.problem().orElseThrow().render()).contains("cut.scap").contains("byte");
        assertThat(stats.eventsRead()).isPositive();
        assertThat(sink.alerts()).isNotEmpty().hasSizeLessThanOrEqualTo(8);
    }
}
