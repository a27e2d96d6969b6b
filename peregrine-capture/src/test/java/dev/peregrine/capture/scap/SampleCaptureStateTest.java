package dev.peregrine.capture.scap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.CaptureSource.Next;
import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The state blocks of every shared capture, read with every event skipped. Expected host names were read from the
 * raw machine-info bytes; the rest are consistency checks that fail when a layout is misread (an fd list per thread,
 * every fd list names a listed thread, the root user, the loopback interface).
 */
class SampleCaptureStateTest {
    /** Shapes that know no event code, so every event is skipped: this test is about state blocks only. */
    private static final EventShapes NO_EVENTS = new EventShapes() {
        @Override
        public int nparams(int code) {
            return -1;
        }

        @Override
        public boolean largePayload(int code) {
            return false;
        }

        @Override
        public boolean v1LengthOverstated(int code) {
            return false;
        }
    };

    record State(List<ScapBlock> blocks, ScapFileSource source) {
        <T extends ScapBlock> List<T> all(Class<T> kind) {
            return blocks.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        Map<Long, ThreadInfo> threads() {
            return all(ScapBlock.Processes.class).stream().flatMap(p -> p.threads().stream())
                    .collect(Collectors.toMap(ThreadInfo::tid, Function.identity()));
        }
    }

    static State state(String file) throws IOException {
        Path path = Upstream.capture(file);
        List<ScapBlock> blocks = new ArrayList<>();
        try (ScapFileSource s = ScapFileSource.open(path, NO_EVENTS, blocks::add)) {
            assertThat(s.next()).isEqualTo(Next.EOF);
            assertThat(s.problem()).isEmpty();
            return new State(blocks, s);
        }
    }

    static Stream<String> captures() {
        return Stream.of("cat_write.scap", "connect_localhost.scap", "empty.scap", "libs_curl_google.scap",
                "libs_sample.scap", "open-multiple-files.scap", "ping_sendto.scap", "syscall.scap");
    }

    @ParameterizedTest
    @MethodSource("captures")
    void stateBlocks_sharedCapture_consistent(String file) throws IOException {
        State s = state(file);
        Map<Long, ThreadInfo> threads = s.threads();
        List<ScapBlock.Fds> fds = s.all(ScapBlock.Fds.class);

        assertThat(s.blocks().getFirst()).isInstanceOf(ScapBlock.SectionHeader.class);
        assertThat(s.all(ScapBlock.Machine.class)).hasSize(1);
        assertThat(s.all(ScapBlock.Processes.class)).hasSize(1);
        assertThat(fds).hasSize(threads.size());
        assertThat(fds).allSatisfy(f -> assertThat(threads).containsKey(f.tid()));
        assertThat(threads.values()).allSatisfy(t -> {
            assertThat(t.pid()).isPositive();
            assertThat(t.comm()).isNotEmpty().doesNotContain("\0");
            assertThat(t.cwd()).startsWith("/");
        });
        assertThat(threads.get(1L).comm()).isEqualTo("systemd");
        ScapBlock.Users users = s.all(ScapBlock.Users.class).getFirst();
        assertThat(users.users()).contains(new UserInfo(0, 0, "root", "/root", "/bin/bash"));
        assertThat(users.groups()).isNotEmpty();
        NetInterface.Ipv4 lo = (NetInterface.Ipv4) s.all(ScapBlock.Interfaces.class).getFirst().interfaces()
                .getFirst();
        assertThat(lo.name()).isEqualTo("lo");
        assertThat(lo.addr().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(fds.stream().flatMap(f -> f.fds().stream()).filter(f -> f.fd() >= 0 && f.fd() <= 2)
                .filter(f -> f instanceof FdInfo.RegularFile r && r.name().equals("/dev/null")
                        || f instanceof FdInfo.Named n && n.name().equals("/dev/null")))
                .isNotEmpty();
        assertThat(s.source().skippedEvents()).isEqualTo(s.source().blockInventory().entrySet().stream()
                .filter(e -> e.getKey().startsWith("EV")).mapToLong(Map.Entry::getValue).sum());
    }

    @Test
    void machineInfo_sharedCaptures_hostnamesAsStoredInTheFiles() throws IOException {
        assertThat(state("libs_sample.scap").all(ScapBlock.Machine.class).getFirst().info().hostname())
                .isEqualTo("ubuntu2204.localdomain");
        assertThat(state("libs_curl_google.scap").all(ScapBlock.Machine.class).getFirst().info().hostname())
                .isEqualTo("ip-10-0-0-79");
        assertThat(state("syscall.scap").all(ScapBlock.Machine.class).getFirst().info().hostname())
                .isEqualTo("ubuntu");
    }

    @Test
    void processListV9_emptyScap_carriesVpgidExepathAndLoginuid() throws IOException {
        Map<Long, ThreadInfo> threads = state("empty.scap").threads();

        ThreadInfo init = threads.get(1L);
        assertThat(init.exepath()).isEqualTo("/lib/systemd/systemd");
        assertThat(init.vpgid()).isEqualTo(1);
        assertThat(init.cgroups()).contains("pids=/init.scope", "name=systemd=/init.scope");
        assertThat(threads.values()).anySatisfy(t -> assertThat(t.loginuid()).isNotEqualTo(
                ThreadInfo.UNSET_LOGINUID));
    }

    @Test
    void processListV5_curlCapture_hasNoSidOrExepath() throws IOException {
        Map<Long, ThreadInfo> threads = state("libs_curl_google.scap").threads();

        assertThat(threads.values()).allSatisfy(t -> {
            assertThat(t.sid()).isEqualTo(-1);
            assertThat(t.exepath()).isEmpty();
            assertThat(t.root()).isEqualTo("/");
        });
    }

    @Test
    void fdListV2_emptyScap_filesCarryDevices() throws IOException {
        List<FdInfo> fds = state("empty.scap").all(ScapBlock.Fds.class).stream()
                .flatMap(f -> f.fds().stream()).toList();

        assertThat(fds).contains(new FdInfo.RegularFile(0, 6, 3, "/dev/null", 6));
        assertThat(fds.stream().map(FdInfo::type).collect(Collectors.toSet())).contains(
                FdType.FILE_V2, FdType.UNIX_SOCK, FdType.IPV4_SOCK, FdType.IPV4_SERVSOCK, FdType.IPV6_SERVSOCK,
                FdType.DIRECTORY, FdType.FIFO, FdType.EVENTPOLL);
    }

    @Test
    void fdListV1_catWrite_filesAreNamedWithoutFlags() throws IOException {
        List<FdInfo> fds = state("cat_write.scap").all(ScapBlock.Fds.class).stream()
                .flatMap(f -> f.fds().stream()).toList();

        assertThat(fds).contains(new FdInfo.Named(0, 6, FdType.FILE, "/dev/null"));
        assertThat(fds).noneMatch(f -> f instanceof FdInfo.RegularFile);
    }

    @Test
    void sectionVersions_sharedCaptures_oneZeroToOneTwo() throws IOException {
        Set<Integer> minors = captures().map(f -> {
            try {
                return state(f).all(ScapBlock.SectionHeader.class).getFirst().minor();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).collect(Collectors.toSet());

        assertThat(minors).containsExactlyInAnyOrder(0, 1, 2);
    }
}
