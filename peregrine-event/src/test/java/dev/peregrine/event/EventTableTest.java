package dev.peregrine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.event.EventTable.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EventTableTest {
    private final EventTable table = EventTable.get();

    static Path upstream() {
        String p = System.getProperty("peregrine.upstream");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("/work/shared/upstream");
    }

    @Test
    void resource_bundledTable_isByteIdenticalToUpstream() throws IOException {
        byte[] bundled;
        try (InputStream in = EventTable.class.getResourceAsStream("event_table.json")) {
            bundled = in.readAllBytes();
        }
        assertThat(bundled).isEqualTo(Files.readAllBytes(upstream().resolve("falco-libs/event_table.json")));
    }

    @Test
    void size_bundledTable_is454() {
        assertThat(table.size()).isEqualTo(454);
        assertThat(table.all()).hasSize(454);
    }

    @Test
    void byCode_open_hasNameParamsAndDirection() {
        EventTable.EventInfo e = table.byCode(3);
        assertThat(e.codeName()).isEqualTo("PPME_SYSCALL_OPEN_X");
        assertThat(e.name()).isEqualTo("open");
        assertThat(e.direction()).isEqualTo(Direction.EXIT);
        assertThat(table.byCode(2).direction()).isEqualTo(Direction.ENTER);
        assertThat(e.params()).first().isEqualTo(new EventTable.ParamInfo("fd", "PT_FD"));
        assertThat(e.categories()).containsExactly("EC_FILE", "EC_SYSCALL");
        assertThat(e.flags()).contains("EF_CREATES_FD");
    }

    @Test
    void byCode_outOfRange_throws() {
        assertThatThrownBy(() -> table.byCode(454)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.byCode(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void codesForTypeName_eventName_returnsAllVersionsEnterAndExit() {
        int[] codes = table.codesForTypeName("open");
        assertThat(codes).containsExactly(2, 3);
        for (int c : codes) {
            assertThat(table.byCode(c).name()).isEqualTo("open");
        }
        assertThat(table.codesForTypeName("execve")).hasSize(16);
        assertThat(table.codesForTypeName("openat")).containsExactly(102, 103, 306, 307);
    }

    @Test
    void codesForTypeName_syscallWithoutEvent_returnsGenericCodes() {
        assertThat(table.isKnownTypeName("madvise")).isTrue();
        assertThat(table.codesForTypeName("madvise")).containsExactly(0, 1);
    }

    @Test
    void codesForTypeName_nonSyscallEvents_returnTheirOwnCodes() {
        assertThat(table.codesForTypeName("container")).contains(228, 272, 324);
        assertThat(table.codesForTypeName("procexit")).contains(16, 186);
        assertThat(table.codesForTypeName("asyncevent")).containsExactly(402);
        assertThat(table.codesForTypeName("pluginevent")).containsExactly(322);
    }

    @Test
    void codesForTypeName_genericEventName_isNotMatchedByName() {
        // libsinsp matches names from code 2 on: "syscall" only selects the generic codes as a ppm_sc name, if any
        assertThat(table.codesForTypeName("syscall")).doesNotContain(2);
        int[] expected = table.isSyscallName("syscall") ? new int[] {0, 1} : new int[0];
        assertThat(table.codesForTypeName("syscall")).containsExactly(expected);
    }

    @Test
    void isKnownTypeName_genericEventName_isKnown() {
        assertThat(table.isKnownTypeName("syscall")).isTrue();
        assertThat(table.isKnownTypeName("open")).isTrue();
        assertThat(table.isKnownTypeName("sched_process_exit")).isTrue();
    }

    @Test
    void codesForTypeName_unknown_isEmpty() {
        assertThat(table.isKnownTypeName("nosuchcall")).isFalse();
        assertThat(table.codesForTypeName("nosuchcall")).isEmpty();
    }

    @Test
    void syscallName_ppmScCodes_matchLibscapNames() {
        assertThat(table.syscallName(0)).isEqualTo("unknown");
        assertThat(table.syscallName(5)).isEqualTo("open");
        assertThat(table.syscallName(-1)).isNull();
        assertThat(table.syscallCount()).isGreaterThan(400);
        assertThat(table.isSyscallName("sched_process_exit")).isTrue();
    }

    @Test
    void firstParam_byName_returnsFirstDeclaration() {
        assertThat(table.firstParam("name")).contains(new EventTable.ParamInfo("name", "PT_FSPATH"));
        assertThat(table.firstParam("nosuchparam")).isEmpty();
    }

    @Test
    void paramNames_includeCommonParameters() {
        assertThat(table.paramNames()).contains("fd", "name", "flags", "res");
    }
}
