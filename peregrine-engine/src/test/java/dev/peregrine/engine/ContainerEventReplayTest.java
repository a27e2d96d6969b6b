package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.capture.scap.ScapFileWriter;
import dev.peregrine.event.Event;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.RulesSource;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerJsonEvent;
import dev.peregrine.state.container.ContainerRuntime;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture written as {@code peregrine capture} writes it (container event emitted when the metadata is resolved,
 * i.e. after the container's first events) replays with the container's fields from that event on.
 */
class ContainerEventReplayTest {
    static final String FULL_ID = "08f4f082eca28756528117b1701b149ad0417b116eccb387c74e2b5a43de72c2";
    static final String ID = FULL_ID.substring(0, 12);
    static final long SH = 700;

    @TempDir
    Path dir;

    @Test
    void replay_containerJsonEventAfterFirstEvents_laterAlertsCarryTheMetadata() throws Exception {
        ContainerInfo info = new ContainerInfo(ID, FULL_ID, ContainerRuntime.PODMAN, "web-1",
                "localhost/peregrine-test:busybox", "e5430adff970", "localhost/peregrine-test", "busybox",
                "sha256:608e", "10.88.0.4", "", true, false, false, false, false, "",
                List.of(new ContainerInfo.Mount("/srv", "/data", "", true, "rprivate")),
                Map.of("io.kubernetes.pod.name", "p1", "io.kubernetes.pod.namespace", "ns1", "team", "blue"),
                Map.of());
        Path capture = dir.resolve("c.scap");
        long ts = 1_700_000_000_000_000_000L;
        try (ScapFileWriter w = ScapFileWriter.create(capture, false)) {
            w.write(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                    ThreadInfo.builder().tid(1).pid(1).vtid(1).vpid(1).comm("systemd").exe("/sbin/init").build(),
                    ThreadInfo.builder().tid(SH).pid(SH).vtid(1).vpid(1).ptid(1).comm("sh").exe("/bin/sh")
                            .cgroups(List.of("cpu=/libpod_parent/libpod-" + FULL_ID)).build())));
            w.writeEvent(open(ts), 0);
            w.writeEvent(ContainerJsonEvent.of(info, ts + 1), 0);
            w.writeEvent(open(ts + 2), 0);
        }
        SyscallBinding binding = new SyscallBinding();
        Ruleset ruleset = ReplayPipelineTest.load(binding, List.of(new RulesSource("c.yaml", """
                - rule: Shadow
                  desc: x
                  condition: evt.type=openat and fd.name=/etc/shadow
                  output: "%container.id %container.name %container.type %container.image.repository \
                %container.image.tag %container.privileged %container.mount.dest[/srv] %container.label[team] \
                %k8s.pod.name %k8s.ns.name"
                  priority: WARNING
                """)));
        CollectingSink sink = new CollectingSink();
        new ReplayPipeline("h", ZoneOffset.UTC).replay(capture, ruleset, binding, sink);
        assertThat(sink.alerts()).extracting(CollectedAlert::output).containsExactly(
                ID + " <NA> <NA> <NA> <NA> <NA> <NA> <NA> <NA> <NA>",
                ID + " web-1 podman localhost/peregrine-test busybox true /data blue p1 ns1");
    }

    private static Event open(long ts) {
        return Event.copyOf(EventBuilder.of("PPME_SYSCALL_OPENAT_2_X", ts, SH).i64(3).i64(-100).str("/etc/shadow")
                .u32(1).u32(0).u32(0).u64(0).view());
    }
}
