package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.event.params.ParamTables;
import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.fields.SyscallEvent;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RuleMatching;
import dev.peregrine.rules.load.RulesLoader;
import dev.peregrine.rules.load.Ruleset;
import dev.peregrine.state.StateEngine;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Peregrine's own rules ({@code peregrine_rules.yaml}, loaded together with Falco's stable rules as users run them)
 * against synthetic event sequences through the real state engine: each rule fires on the behaviour it describes,
 * with its key output fields, and stays quiet on the benign neighbour of that behaviour.
 */
class PeregrineRulesTest {
    static final long INIT = 1;
    static final long BASH = 100;
    static final long SSH = 300;
    static final long NC = 301;
    static final long MAVEN = 400;
    static final long DPKG = 500;
    static final long T0 = 1_700_000_000_000_000_000L;
    static final int AT_FDCWD = -100;

    private static final ParamTables TABLES = ParamTables.get();
    private static final SyscallBinding BINDING = new SyscallBinding();
    private static final Ruleset RULES = load();

    private final List<byte[]> events = new ArrayList<>();
    private long ts = T0;

    private static Ruleset load() {
        LoadOutcome outcome = RulesLoader.load(
                List.of(BundledRules.stable(), BundledRules.byName(BundledRules.PEREGRINE).orElseThrow()),
                LoadOptions.defaults().withBinding(BINDING).withRuleMatching(RuleMatching.ALL));
        assertThat(outcome.successful()).as(outcome.toJson()).isTrue();
        return outcome.ruleset().orElseThrow();
    }

    private static int flag(String table, String... names) {
        var t = TABLES.flagTable(table).orElseThrow();
        return Arrays.stream(names).mapToInt(n -> (int) t.valueOf(n)).reduce(0, (a, b) -> a | b);
    }

    private EventBuilder ev(String code, long tid) {
        ts += 1_000;
        return EventBuilder.of(code, ts, tid);
    }

    private void add(EventBuilder e) {
        events.add(e.bytes());
    }

    private List<CollectedAlert> run() {
        return run(RULES);
    }

    private List<CollectedAlert> run(Ruleset rules) {
        StateEngine state = new StateEngine();
        SyscallEvent event = SyscallEvent.over(state, "test-host", ZoneOffset.UTC);
        var listener = ReplayPipeline.blockListener(state, event);
        listener.accept(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                thread(INIT, 0, "systemd", "/sbin/init", List.of()),
                thread(BASH, INIT, "bash", "/bin/bash", List.of()),
                thread(SSH, BASH, "ssh", "/usr/bin/ssh", List.of()),
                thread(NC, BASH, "nc", "/usr/bin/nc", List.of()),
                thread(MAVEN, BASH, "java", "/usr/lib/jvm/bin/java", List.of("MAVEN_PROJECTBASEDIR=/work/app")),
                thread(DPKG, BASH, "dpkg", "/usr/bin/dpkg", List.of()))));
        CollectingSink sink = new CollectingSink();
        new ReplayPipeline("test-host", ZoneOffset.UTC).detect(new StalledContainerRuntimeTest.MemorySource(events),
                state, event, rules, sink, () -> false);
        return sink.alerts();
    }

    private static ThreadInfo thread(long tid, long ptid, String comm, String exe, List<String> env) {
        return ThreadInfo.builder().tid(tid).pid(tid).vtid(tid).vpid(tid).ptid(ptid).sid(BASH).vpgid(tid)
                .comm(comm).exe(exe).exepath(exe).cwd("/root").uid(0).gid(0).loginuid(1000).env(env)
                .args(List.of()).build();
    }

    private static List<String> fired(List<CollectedAlert> alerts) {
        return alerts.stream().map(CollectedAlert::rule).distinct().toList();
    }

    private void socket(long tid, long fd) {
        add(ev("PPME_SOCKET_SOCKET_X", tid).i64(fd).u32(2).u32(1).u32(0).u32(0));
    }

    private void connect(long tid, long fd, String dip, int dport) {
        socket(tid, fd);
        add(ev("PPME_SOCKET_CONNECT_X", tid).i64(0).tuple4("10.0.0.5", 40_000, dip, dport).i64(fd)
                .addr4(dip, dport));
    }

    private void openCreate(long tid, long fd, String path) {
        int flags = flag("file_flags", "O_WRONLY", "O_CREAT", "O_F_CREATED");
        add(ev("PPME_SYSCALL_OPENAT_2_X", tid).i64(fd).i64(AT_FDCWD).str(path).u32(flags).u32(0644).u32(0)
                .u64(0));
    }

    private void openWrite(long tid, long fd, String path) {
        add(ev("PPME_SYSCALL_OPENAT_2_X", tid).i64(fd).i64(AT_FDCWD).str(path).u32(flag("file_flags", "O_WRONLY"))
                .u32(0).u32(0).u64(0));
    }

    @Test
    void outboundSsh_connectToPort22_firesWithServerAndClient() {
        connect(SSH, 3, "192.0.2.10", 22);
        connect(SSH, 4, "192.0.2.10", 443);

        List<CollectedAlert> alerts = run();

        assertThat(alerts).filteredOn(a -> a.rule().equals("Outbound SSH Connection")).singleElement()
                .satisfies(a -> assertThat(a.output()).contains("server_ip=192.0.2.10", "server_port=22",
                        "client_ip=10.0.0.5", "user=root", "command=ssh"));
    }

    @Test
    void listenOnNewPort_exposedPortFires_loopbackAndAllowedDoNot() {
        socket(NC, 5);
        add(ev("PPME_SOCKET_BIND_X", NC).i64(0).addr4("0.0.0.0", 4444).i64(5));
        add(ev("PPME_SOCKET_LISTEN_X", NC).i64(0).i64(5).u32(5));
        socket(NC, 6);
        add(ev("PPME_SOCKET_BIND_X", NC).i64(0).addr4("127.0.0.1", 5555).i64(6));
        add(ev("PPME_SOCKET_LISTEN_X", NC).i64(0).i64(6).u32(5));
        socket(NC, 7);
        add(ev("PPME_SOCKET_BIND_X", NC).i64(0).addr4("0.0.0.0", 443).i64(7));
        add(ev("PPME_SOCKET_LISTEN_X", NC).i64(0).i64(7).u32(5));

        List<CollectedAlert> alerts = run();

        assertThat(alerts).filteredOn(a -> a.rule().equals("Listen on a New Port")).singleElement()
                .satisfies(a -> assertThat(a.output()).contains("port=4444", "command=nc"));
    }

    @Test
    void detectNewFile_createdInBinDirAndSshDir_fires_packageManagerDoesNot() {
        openCreate(BASH, 3, "/usr/local/bin/backdoor");
        openCreate(BASH, 4, "/root/.ssh/authorized_keys2");
        openCreate(DPKG, 5, "/usr/bin/newtool");
        openCreate(BASH, 6, "/root/notes.txt");

        List<CollectedAlert> alerts = run();

        assertThat(alerts).filteredOn(a -> a.rule().equals("Detect New File"))
                .extracting(CollectedAlert::output)
                .satisfiesExactly(o -> assertThat(o).contains("file=/usr/local/bin/backdoor"),
                        o -> assertThat(o).contains("file=/root/.ssh/authorized_keys2"));
    }

    @Test
    void detectNewDirectory_mkdirInEtc_fires() {
        add(ev("PPME_SYSCALL_MKDIRAT_X", BASH).i64(0).i64(AT_FDCWD).str("/etc/cron.evil").u32(0755));
        add(ev("PPME_SYSCALL_MKDIRAT_X", BASH).i64(0).i64(AT_FDCWD).str("/tmp/build").u32(0755));

        assertThat(run()).filteredOn(a -> a.rule().equals("Detect New Directory")).singleElement()
                .satisfies(a -> assertThat(a.output()).contains("directory=/etc/cron.evil"));
    }

    @Test
    void permissionChange_chmodAndChownInSensitivePlaces_fire() {
        add(ev("PPME_SYSCALL_CHMOD_X", BASH).i64(0).str("/usr/local/bin/backdoor").u32(0755));
        add(ev("PPME_SYSCALL_FCHOWNAT_X", BASH).i64(0).i64(AT_FDCWD).str("/etc/sudoers").u32(1000).u32(1000)
                .u32(0));
        add(ev("PPME_SYSCALL_CHMOD_X", BASH).i64(0).str("/tmp/script.sh").u32(0755));

        assertThat(run()).filteredOn(a -> a.rule().equals("Detect File Permission or Ownership Change"))
                .extracting(CollectedAlert::output)
                .satisfiesExactly(o -> assertThat(o).contains("syscall=chmod", "path=/usr/local/bin/backdoor"),
                        o -> assertThat(o).contains("syscall=fchownat", "path=/etc/sudoers", "uid=1000"));
    }

    @Test
    void directoryChange_rmdirAndRenameOfSensitiveDirectory_fire() {
        add(ev("PPME_SYSCALL_RMDIR_2_X", BASH).i64(0).str("/etc/ssh/sshd_config.d"));
        add(ev("PPME_SYSCALL_RENAMEAT2_X", BASH).i64(0).i64(AT_FDCWD).str("/etc/pam.d").i64(AT_FDCWD)
                .str("/tmp/pam.d.old").u32(0));
        add(ev("PPME_SYSCALL_RMDIR_2_X", BASH).i64(0).str("/tmp/build"));

        assertThat(run()).filteredOn(a -> a.rule().equals("Detect Directory Change"))
                .extracting(CollectedAlert::output)
                .satisfiesExactly(o -> assertThat(o).contains("syscall=rmdir", "path=/etc/ssh/sshd_config.d"),
                        o -> assertThat(o).contains("syscall=renameat2", "source=/etc/pam.d"));
    }

    @Test
    void writeBelowRoot_newFileInSlash_firesKnownFileAndUnreadablePathDoNot() {
        openWrite(BASH, 3, "/payload.bin");
        openWrite(BASH, 4, "/.dockerenv");
        openWrite(BASH, 5, ""); // the driver could not read the path (seen live: a page not resident)

        assertThat(run()).filteredOn(a -> a.rule().equals("Write below root")).singleElement()
                .satisfies(a -> assertThat(a.output()).contains("file=/payload.bin"));
    }

    @Test
    void nodeCreated_charDeviceFires_fifoDoesNot() {
        add(ev("PPME_SYSCALL_MKNODAT_X", BASH).i64(0).i64(AT_FDCWD).str("/tmp/mem")
                .u32(flag("mknod_mode", "S_IFCHR")).u32(0x0101));
        add(ev("PPME_SYSCALL_MKNODAT_X", BASH).i64(0).i64(AT_FDCWD).str("/tmp/fifo")
                .u32(flag("mknod_mode", "S_IFIFO")).u32(0));

        assertThat(run()).filteredOn(a -> a.rule().equals("Node Created in Filesystem")).singleElement()
                .satisfies(a -> assertThat(a.output()).contains("path=/tmp/mem"));
    }

    @Test
    void kernelModule_finitAndDeleteModule_fire() {
        add(ev("PPME_SYSCALL_FINIT_MODULE_X", BASH).i64(-1).i64(3).str("").u32(0));
        add(ev("PPME_SYSCALL_DELETE_MODULE_X", BASH).i64(0).str("dummy").u32(0));

        assertThat(run()).filteredOn(a -> a.rule().equals("Kernel Module Modification"))
                .extracting(CollectedAlert::output)
                .satisfiesExactly(o -> assertThat(o).contains("syscall=finit_module"),
                        o -> assertThat(o).contains("syscall=delete_module"));
    }

    @Test
    void buildRules_mavenWritesOutsideWorkspaceAndConnectsOut_fire() {
        openWrite(MAVEN, 3, "/work/app/target/classes/A.class");
        openWrite(MAVEN, 4, "/etc/cron.d/persist");
        connect(MAVEN, 5, "10.1.2.3", 443);
        connect(MAVEN, 6, "203.0.113.7", 443);

        List<CollectedAlert> alerts = run();

        assertThat(alerts).filteredOn(a -> a.rule().equals("Build Step Writing Outside Workspace")).singleElement()
                .satisfies(a -> assertThat(a.output()).contains("file=/etc/cron.d/persist", "command=java"));
        assertThat(alerts).filteredOn(a -> a.rule().equals("Build Reaching Unapproved Network")).singleElement()
                .satisfies(a -> assertThat(a.output()).contains("server_ip=203.0.113.7"));
    }

    @Test
    void fdSipName_comparedWithResolvedAddresses_asLibsinspsDnsManager() throws Exception {
        // localhost resolves to 127.0.0.1 (from /etc/hosts); names are resolved in the background, so wait for it
        Ruleset rules = ReplayPipelineTest.load(BINDING, List.of(new dev.peregrine.rules.load.RulesSource("n.yaml", """
                - rule: to localhost by name
                  desc: x
                  condition: evt.type = connect and fd.sip.name = localhost
                  output: by name %fd.sip
                  priority: WARNING
                - rule: not to localhost by name
                  desc: x
                  condition: evt.type = connect and fd.sip.name != localhost
                  output: not by name %fd.sip
                  priority: WARNING
                - rule: in list
                  desc: x
                  condition: evt.type = connect and fd.sip.name in (nonexistent.invalid, localhost)
                  output: in list %fd.sip
                  priority: WARNING
                """)));
        connect(SSH, 3, "127.0.0.1", 8080);
        connect(SSH, 4, "192.0.2.10", 8080);
        List<String> outputs = List.of();
        long until = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < until) {
            outputs = run(rules).stream().map(CollectedAlert::output).toList();
            if (outputs.contains("by name 127.0.0.1")) {
                break;
            }
            Thread.sleep(100);
        }

        assertThat(outputs).containsExactlyInAnyOrder("by name 127.0.0.1", "not by name 192.0.2.10",
                "in list 127.0.0.1");
    }

    @Test
    void fdSipName_otherOperator_refusedAsInLibsinsp() {
        LoadOutcome outcome = RulesLoader.load(List.of(new dev.peregrine.rules.load.RulesSource("n.yaml", """
                - rule: r
                  desc: x
                  condition: evt.type = connect and fd.sip.name contains local
                  output: x
                  priority: WARNING
                """)), LoadOptions.defaults().withBinding(BINDING));

        assertThat(outcome.successful()).isFalse();
        assertThat(outcome.toJson()).contains("fd.*ip.name filter only supports '=' and '!=' operators");
    }

    @Test
    void benignSequence_noPeregrineRuleFires() {
        openWrite(BASH, 3, "/tmp/out.txt");
        connect(BASH, 4, "127.0.0.1", 8080);
        add(ev("PPME_SYSCALL_MKDIRAT_X", MAVEN).i64(0).i64(AT_FDCWD).str("/work/app/target").u32(0755));
        openCreate(MAVEN, 5, "/root/.m2/repository/x/y.jar");

        LoadOutcome own = RulesLoader.load(List.of(BundledRules.byName(BundledRules.PEREGRINE).orElseThrow()),
                LoadOptions.defaults().withBinding(BINDING));
        List<String> ourNames = own.ruleset().orElseThrow().enabledRules().stream().map(r -> r.name()).toList();
        assertThat(ourNames).hasSize(12);

        assertThat(fired(run())).doesNotContainAnyElementsOf(ourNames);
    }
}
