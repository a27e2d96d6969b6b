package dev.peregrine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.state.container.ContainerInfo;
import dev.peregrine.state.container.ContainerMetadataSource;
import dev.peregrine.state.container.ContainerRuntime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The state engine's use of a {@link ContainerMetadataSource}: requests, answers applied, eviction. */
class StateEngineContainerMetadataTest {
    static final String FULL_ID = "08f4f082eca28756528117b1701b149ad0417b116eccb387c74e2b5a43de72c2";
    static final String ID = FULL_ID.substring(0, 12);
    static final long INIT_IN_CTR = 500;
    static final long SH_IN_CTR = 501;

    /** Answers what a test hands it; records the calls. */
    static final class ScriptedSource implements ContainerMetadataSource {
        final List<String> requested = new ArrayList<>();
        final List<String> forgotten = new ArrayList<>();
        final ArrayDeque<ContainerInfo> ready = new ArrayDeque<>();

        @Override
        public void request(String id, ContainerRuntime runtime) {
            requested.add(id + "/" + runtime.displayName());
        }

        @Override
        public ContainerInfo poll() {
            return ready.poll();
        }

        @Override
        public void forget(String id) {
            forgotten.add(id);
        }
    }

    final StateEngine engine = new StateEngine();
    final ScriptedSource source = new ScriptedSource();
    final List<ContainerInfo> announced = new ArrayList<>();

    @BeforeEach
    void setUp() {
        engine.setContainerMetadata(source, announced::add);
        List<String> cgroups = List.of("cpu=/libpod_parent/libpod-" + FULL_ID);
        engine.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(1).pid(1).vtid(1).vpid(1).comm("systemd").exe("/sbin/init").build(),
                ThreadInfo.builder().tid(INIT_IN_CTR).pid(INIT_IN_CTR).vtid(1).vpid(1).ptid(1).comm("sleep")
                        .exe("/bin/sleep").cgroups(cgroups).build(),
                ThreadInfo.builder().tid(SH_IN_CTR).pid(SH_IN_CTR).vtid(2).vpid(2).ptid(INIT_IN_CTR).comm("sh")
                        .exe("/bin/sh").cgroups(cgroups).build())));
    }

    private static ContainerInfo named(String name) {
        return new ContainerInfo(ID, FULL_ID, ContainerRuntime.PODMAN, name, "img", "", "img", "", "", "", "",
                false, false, false, false, false, "", List.of(), Map.of("io.kubernetes.pod.name", "p1"), Map.of());
    }

    private void openBy(long tid, long ts) {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_OPEN_X", ts, tid).i64(3).str("/etc/hosts").u32(1).u32(0)
                .u32(0).u64(0).view());
    }

    @Test
    void newContainerId_requestedWithItsRuntimeForEachProcess_bareUntilAnswered() {
        openBy(SH_IN_CTR, 10);
        assertThat(source.requested).containsExactly(ID + "/podman", ID + "/podman");
        assertThat(engine.thread(SH_IN_CTR).containerId()).isEqualTo(ID);
        assertThat(engine.containers().hasMetadata(ID)).isFalse();
    }

    @Test
    void newProcessOfUnansweredContainer_requestedAgain_notOnceAnswered() {
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CLONE_20_X", 10, 900).i64(0).str("sh").strs().i64(900)
                .i64(900).i64(SH_IN_CTR).str("").i64(1024).i64(0).i64(0).u32(0).u32(0).u32(0).str("sh")
                .strs("cpu=/libpod_parent/libpod-" + FULL_ID).u32(0).u32(0).u32(0).i64(3).i64(3).i64(0).view());
        assertThat(source.requested).as("two scan threads, then the clone").hasSize(3);
        source.ready.add(named("c1"));
        openBy(SH_IN_CTR, 11);
        engine.onEvent(EventBuilder.of("PPME_SYSCALL_CLONE_20_X", 12, 901).i64(0).str("sh").strs().i64(901)
                .i64(901).i64(SH_IN_CTR).str("").i64(1024).i64(0).i64(0).u32(0).u32(0).u32(0).str("sh")
                .strs("cpu=/libpod_parent/libpod-" + FULL_ID).u32(0).u32(0).u32(0).i64(4).i64(4).i64(0).view());
        assertThat(source.requested).as("answered: not asked again").hasSize(3);
    }

    @Test
    void answer_appliedBeforeTheNextEventAndAnnounced() {
        openBy(SH_IN_CTR, 10);
        source.ready.add(named("c1"));
        openBy(SH_IN_CTR, 11);
        assertThat(engine.containers().hasMetadata(ID)).isTrue();
        assertThat(engine.container(engine.currentThread()).name()).isEqualTo("c1");
        assertThat(announced).extracting(ContainerInfo::name).containsExactly("c1");
    }

    @Test
    void containerInitExits_containerForgottenAfterThatEvent() {
        source.ready.add(named("c1"));
        openBy(SH_IN_CTR, 10);
        engine.onEvent(EventBuilder.of("PPME_PROCEXIT_1_E", 20, SH_IN_CTR).i64(0).i64(0).u8(0).u8(0).i64(0).view());
        openBy(INIT_IN_CTR, 21);
        assertThat(engine.containers().get(ID)).as("a non-init exit keeps the container").isNotNull();
        engine.onEvent(EventBuilder.of("PPME_PROCEXIT_1_E", 30, INIT_IN_CTR).i64(0).i64(0).u8(0).u8(0).i64(0)
                .view());
        assertThat(engine.containers().get(ID)).as("visible to the exit event itself").isNotNull();
        openBy(1, 31);
        assertThat(engine.containers().get(ID)).isNull();
        assertThat(source.forgotten).containsExactly(ID);
    }
}
