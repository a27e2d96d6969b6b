package dev.peregrine.event.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.event.EventTable;
import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ParamTablesTest {
    private static final ParamTables T = ParamTables.get();
    private static final EventTable E = EventTable.get();

    private static int code(String codeName) {
        return E.all().stream().filter(e -> e.codeName().equals(codeName)).findFirst().orElseThrow().code();
    }

    @Test
    void get_bundledTables_coverEveryEventAndParam() {
        assertThat(T.eventCount()).isEqualTo(E.size()).isEqualTo(454);
        int params = 0;
        for (int c = 0; c < E.size(); c++) {
            assertThat(T.paramCount(c)).isEqualTo(E.byCode(c).params().size());
            for (int i = 0; i < T.paramCount(c); i++) {
                ParamSpec s = T.param(c, i);
                assertThat(s.name()).isEqualTo(E.byCode(c).params().get(i).name());
                assertThat(s.type().name()).isEqualTo(E.byCode(c).params().get(i).type());
                params++;
            }
        }
        assertThat(params).isEqualTo(1345);
    }

    @Test
    void get_bundledTables_counts() {
        assertThat(T.flagTables()).hasSize(55);
        assertThat(T.flagTables().stream().mapToInt(FlagTable::size).sum()).isEqualTo(606);
        assertThat(T.dynamicTable("sockopt_dynamic_param")).hasSize(5);
        assertThat(T.dynamicTable("ptrace_dynamic_param")).extracting(ParamSpec::type)
                .containsExactly(ParamType.PT_UINT64, ParamType.PT_SIGTYPE);
        assertThat(T.dynamicTable("nope")).isEmpty();
    }

    @Test
    void param_openExit_hasFormatsAndFileFlags() {
        int open = code("PPME_SYSCALL_OPEN_X");

        assertThat(T.param(open, 0).format()).isEqualTo(PrintFormat.PF_DEC);
        ParamSpec flags = T.param(open, 2);
        assertThat(flags.type()).isEqualTo(ParamType.PT_FLAGS32);
        assertThat(flags.format()).isEqualTo(PrintFormat.PF_HEX);
        assertThat(flags.flags().name()).isEqualTo("file_flags");
        assertThat(T.param(open, 3).format()).isEqualTo(PrintFormat.PF_OCT);
        assertThat(T.param(open, 1).flags()).isNull();
    }

    @Test
    void param_relativePathsAndDynamics_referToTheirTables() {
        int renameat = code("PPME_SYSCALL_RENAMEAT_X");
        assertThat(T.param(renameat, 2).type()).isEqualTo(ParamType.PT_FSRELPATH);
        assertThat(T.param(renameat, 2).dirfdIndex()).isEqualTo(1);
        assertThat(T.param(renameat, 4).dirfdIndex()).isEqualTo(3);

        int setsockopt = code("PPME_SOCKET_SETSOCKOPT_X");
        ParamSpec val = T.param(setsockopt, E.paramIndex(setsockopt, "val"));
        assertThat(val.type()).isEqualTo(ParamType.PT_DYN);
        assertThat(val.dynamic()).extracting(ParamSpec::type).containsExactly(ParamType.PT_BYTEBUF,
                ParamType.PT_ERRNO, ParamType.PT_UINT32, ParamType.PT_UINT64, ParamType.PT_RELTIME);
    }

    @Test
    void flagTable_knownEntries_haveDriverValues() {
        FlagTable file = T.flagTable("file_flags").orElseThrow();
        assertThat(file.valueOf("O_RDONLY")).isEqualTo(1);
        assertThat(file.valueOf("O_WRONLY")).isEqualTo(2);
        assertThat(file.valueOf("O_RDWR")).isEqualTo(3);
        assertThat(file.valueOf("O_CREAT")).isEqualTo(4);
        assertThat(file.valueOf("O_CLOEXEC")).isEqualTo(4096);
        assertThat(file.valueOf("O_NONE")).isEqualTo(0);
        assertThat(file.valueOf("O_BOGUS")).isEqualTo(-1);
        assertThat(file.entries().getFirst()).isEqualTo(new FlagTable.Entry("O_LARGEFILE", 2048));

        assertThat(T.flagTable("clone_flags").orElseThrow().valueOf("CLONE_FILES")).isEqualTo(1);
        assertThat(T.flagTable("prot_flags").orElseThrow().valueOf("PROT_EXEC")).isEqualTo(4);
        assertThat(T.flagTable("mmap_flags").orElseThrow().valueOf("MAP_SHARED")).isEqualTo(1);
        assertThat(T.flagTable("socket_families").orElseThrow().valueOf("AF_INET6")).isEqualTo(10);
        assertThat(T.flagTable("ptrace_requests").orElseThrow().valueOf("PTRACE_ATTACH")).isGreaterThan(0);
        assertThat(T.flagTable("fcntl_commands").orElseThrow().valueOf("F_DUPFD")).isGreaterThan(0);
        assertThat(T.flagTable("no_such_table")).isEmpty();
    }

    @Test
    void flagTable_memoizedTexts_sameAsAppendedAndStable() {
        FlagTable file = T.flagTable("file_flags").orElseThrow();
        for (int value : new int[] {0, 1, 2, 3, 4097, 262, 1 << 30, -1}) {
            StringBuilder flags = new StringBuilder();
            file.appendFlags(flags, value);
            StringBuilder en = new StringBuilder();
            file.appendEnum(en, value);
            StringBuilder mode = new StringBuilder();
            file.appendMode(mode, value);
            assertThat(file.flagsText(value)).isEqualTo(flags.toString());
            assertThat(file.flagsText(value)).isSameAs(file.flagsText(value));
            assertThat(file.enumText(value)).isEqualTo(en.toString());
            assertThat(file.modeText(value)).isEqualTo(mode.toString());
        }
        assertThat(file.flagsText(262)).isEqualTo("O_TRUNC|O_CREAT|O_WRONLY");
        assertThat(file.enumText(3)).isEqualTo("O_RDWR");
    }

    @Test
    void errnoAndSignalNames_knownNumbers_resolve() {
        assertThat(T.errnoName(-2)).isEqualTo("ENOENT");
        assertThat(T.errnoName(2)).isEqualTo("ENOENT");
        assertThat(T.errnoName(-13)).isEqualTo("EACCES");
        assertThat(T.errnoName(-11)).isEqualTo("EAGAIN");
        assertThat(T.errnoName(-100_000)).isNull();
        assertThat(T.errnoName(Long.MIN_VALUE)).isNull();
        assertThat(T.errnoName(Integer.MIN_VALUE)).isNull();
        assertThat(T.errnoName(0xffff_ffff_0000_0000L - 2)).isEqualTo("ENOENT");
        assertThat(T.signalName(9)).isEqualTo("SIGKILL");
        assertThat(T.signalName(17)).isEqualTo("SIGCHLD");
        assertThat(T.signalName(0)).isNull();
        assertThat(T.signalName(64)).isNull();
    }

    @Test
    void param_outOfRange_throwsWithSentence() {
        assertThatThrownBy(() -> T.param(9999, 0)).hasMessageContaining("unknown event code 9999");
        assertThatThrownBy(() -> T.param(3, 17)).hasMessageContaining("has 6 params, no param 17");
    }

    @Test
    void parse_mismatchedParam_reportsLineOrEvent() {
        String text = "param 2 0 nom PT_FSPATH PF_NA -\n";
        assertThatThrownBy(() -> ParamTables.parse(new BufferedReader(new StringReader(text)), E))
                .hasMessageContaining("the event table says name PT_FSPATH");
        String bad = "flag file_flags O_X\n";
        assertThatThrownBy(() -> ParamTables.parse(new BufferedReader(new StringReader(bad)), E))
                .hasMessageContaining("param_tables.txt:1:");
    }

    @Test
    void paramIndex_byName_findsPositionOrMinusOne() {
        int open = code("PPME_SYSCALL_OPEN_X");
        assertThat(E.paramIndex(open, "flags")).isEqualTo(2);
        assertThat(E.paramIndex(open, "tuple")).isEqualTo(-1);
        int[] byCode = E.paramIndexByCode("flags");
        assertThat(byCode).hasSize(E.size());
        assertThat(byCode[open]).isEqualTo(2);
        assertThat(byCode[code("PPME_SYSCALL_CLOSE_E")]).isEqualTo(-1);
        assertThatThrownBy(() -> E.paramIndex(9999, "fd")).hasMessageContaining("unknown event code 9999");
    }
}
