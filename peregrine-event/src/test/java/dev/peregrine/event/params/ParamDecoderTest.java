package dev.peregrine.event.params;

import static dev.peregrine.event.params.TestEvents.concat;
import static dev.peregrine.event.params.TestEvents.event;
import static dev.peregrine.event.params.TestEvents.raw;
import static dev.peregrine.event.params.TestEvents.str;
import static dev.peregrine.event.params.TestEvents.u16;
import static dev.peregrine.event.params.TestEvents.u32;
import static dev.peregrine.event.params.TestEvents.u64;
import static dev.peregrine.event.params.TestEvents.u8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamDecoderTest {
    private static final ParamDecoder D = new ParamDecoder(EventTable.get(), ParamTables.get(), ZoneOffset.UTC);

    /** A thread whose fds 3 (a file) and 4 (a TCP socket) are known, cwd /home/u, dirfd 7 is /tmp. */
    private static final FdNameResolver STATE = new FdNameResolver() {
        @Override
        public boolean appendFd(long fd, StringBuilder out) {
            String name = Map.of(3L, "<f>/etc/passwd", 4L, "<4t>127.0.0.1:47192->127.0.0.1:80").get(fd);
            if (name != null) {
                out.append(name);
            }
            return name != null;
        }

        @Override
        public char fdTypeChar(long fd) {
            return fd == 3 ? 'f' : '?';
        }

        @Override
        public String threadComm(long tid) {
            return tid == 1 ? "systemd" : null;
        }

        @Override
        public String userName(long uid) {
            return uid == 0 ? "root" : null;
        }

        @Override
        public String resolvePath(long dirfd, String relativePath) {
            return (dirfd == ParamDecoder.AT_FDCWD ? "/home/u/" : dirfd == 7 ? "/tmp/" : "/?/") + relativePath;
        }
    };

    private static EventView openX(long fd, String name, int flags, int mode) {
        return event("PPME_SYSCALL_OPEN_X", u64(fd), str(name), u32(flags), u32(mode), u32(0x803), u64(1234));
    }

    @Test
    void render_openFlags_namesInDriverOrder() {
        EventView v = openX(3, "/etc/passwd", 1 | 4096, 0);

        assertThat(D.render(v, 2)).isEqualTo("O_RDONLY|O_CLOEXEC");
        assertThat(D.renderRaw(v, 2)).isEqualTo("4097");
        assertThat(D.render(openX(3, "/x", 2 | 4 | 256, 0), 2)).isEqualTo("O_TRUNC|O_CREAT|O_WRONLY");
        assertThat(D.render(openX(3, "/x", 3 | 8, 0), 2)).isEqualTo("O_APPEND|O_RDWR");
        assertThat(D.render(openX(3, "/x", 0, 0), 2)).isEqualTo("O_NONE");
        assertThat(D.asLong(v, 2)).isEqualTo(4097);
    }

    @Test
    void render_byName_firstParamWithNameOrNull() {
        EventView v = openX(3, "/etc/passwd", 1 | 4096, 0);

        assertThat(D.render(v, "flags", FdNameResolver.NONE)).isEqualTo("O_RDONLY|O_CLOEXEC");
        assertThat(D.render(v, "fd", STATE)).isEqualTo("<f>/etc/passwd");
        assertThat(D.render(v, "tuple", STATE)).isNull();
        EventView shortOpen = event("PPME_SYSCALL_OPEN_X", u64(3), str("/x"));
        assertThat(D.render(shortOpen, "flags", STATE)).isNull();
    }

    @Test
    void render_unnamedFlagBits_fallBackToNumberWhenNothingMatches() {
        EventView v = openX(3, "/x", 1 << 30, 0);

        assertThat(D.renderResolved(v, 2, FdNameResolver.NONE)).isEmpty();
        assertThat(D.render(v, 2)).isEqualTo("1073741824");
    }

    @Test
    void renderArgs_openExit_matchesLibsinspLayout() {
        EventView v = openX(3, "/etc/passwd", 1 | 4096, 0644);

        assertThat(D.renderArgs(v, STATE)).isEqualTo(
                "fd=3(<f>/etc/passwd) name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0644 dev=803 ino=1234");
        assertThat(D.renderArgs(v, FdNameResolver.NONE)).isEqualTo(
                "fd=3 name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0644 dev=803 ino=1234");
        assertThat(D.render(v, 0, STATE)).isEqualTo("<f>/etc/passwd");
        assertThat(D.render(v, 0)).isEqualTo("3");
    }

    @Test
    void render_negativeFd_resolvesErrnoOrAtFdcwdWithThreadOnly() {
        assertThat(D.render(openX(-2, "/nope", 1, 0), 0, STATE)).isEqualTo("ENOENT");
        assertThat(D.render(openX(-2, "/nope", 1, 0), 0)).isEqualTo("-2");
        EventView at = event("PPME_SYSCALL_OPENAT_2_X", u64(5), u64(-100), str("rel/file"), u32(1), u32(0), u32(0),
                u64(0));
        assertThat(D.render(at, 1, STATE)).isEqualTo("AT_FDCWD");
        assertThat(D.render(at, 2, STATE)).isEqualTo("/home/u/rel/file");
        assertThat(D.render(at, 2)).isEqualTo("rel/file");
        assertThat(D.render(at, 0, STATE)).isEqualTo("5");
    }

    @Test
    void render_relativePathWithDirfd_resolvesAgainstDirfd() {
        EventView at = event("PPME_SYSCALL_OPENAT_2_X", u64(5), u64(7), str("file"), u32(1), u32(0), u32(0), u64(0));

        assertThat(D.render(at, 2, STATE)).isEqualTo("/tmp/file");
        assertThat(D.renderArgs(at, STATE)).startsWith("fd=5 dirfd=7 name=file(/tmp/file) flags=1(O_RDONLY)");
    }

    @Test
    void render_errnoResult_namesNegativeValues() {
        EventView v = event("PPME_SOCKET_CONNECT_X", u64(-115), SocketDecodingTest.tuple4(new byte[] {127, 0, 0, 1},
                47192, new byte[] {127, 0, 0, 1}, 80), u64(4), SocketDecodingTest.sockaddr4(127, 0, 0, 1, 80));

        assertThat(D.render(v, 0)).isEqualTo("EINPROGRESS");
        assertThat(D.renderArgs(v, STATE)).isEqualTo("res=-115(EINPROGRESS) tuple=127.0.0.1:47192->127.0.0.1:80 "
                + "fd=4(<4t>127.0.0.1:47192->127.0.0.1:80) addr=127.0.0.1:80");
        assertThat(D.tuple(v, 1)).isEqualTo(new SocketTuple.Inet4(0x7f000001, 47192, 0x7f000001, 80));
        assertThat(D.sockaddr(v, 3)).isEqualTo(new SocketAddress.Inet4(0x7f000001, 80));
        assertThat(D.asLong(v, 0)).isEqualTo(-115);
    }

    @Test
    void render_emptyParams_printNullOrNa() {
        EventView v = event("PPME_SOCKET_CONNECT_X", u64(0), new byte[0], u64(4), new byte[0]);

        assertThat(D.render(v, 1)).isEqualTo("NULL");
        assertThat(D.render(v, 3)).isEqualTo("<NA>");
        EventView open = event("PPME_SYSCALL_OPEN_X", u64(3), new byte[0], u32(1), u32(0), new byte[0], u64(1));
        assertThat(D.render(open, 1)).isEqualTo("<NA>");
        assertThat(D.render(open, 4)).isEqualTo("<NA>");
        assertThat(D.stringLength(open, 1)).isEqualTo(-1);
        assertThat(D.equalsAscii(open, 1, "<NA>")).isTrue();
    }

    @Test
    void render_legacyNullString_readsAsNa() {
        EventView v = openX(3, "(NULL)", 1, 0);

        assertThat(D.asString(v, 1)).isEqualTo("<NA>");
        assertThat(D.render(v, 1, STATE)).isEqualTo("<NA>");
    }

    @Test
    void equalsAscii_pathParam_comparesWithoutDecoding() {
        EventView v = openX(3, "/etc/shadow", 1, 0);

        assertThat(D.equalsAscii(v, 1, "/etc/shadow")).isTrue();
        assertThat(D.equalsAscii(v, 1, "/etc/shado")).isFalse();
        assertThat(D.equalsAscii(v, 1, "/etc/shadowx")).isFalse();
        assertThat(D.startsWithAscii(v, 1, "/etc/")).isTrue();
        assertThat(D.startsWithAscii(v, 1, "/usr/")).isFalse();
        assertThat(D.stringLength(v, 1)).isEqualTo(11);
        assertThat(D.asString(v, 1)).isEqualTo("/etc/shadow");
        assertThatThrownBy(() -> D.equalsAscii(v, 2, "x")).isInstanceOf(ParamDecodeException.class)
                .hasMessageContaining("PT_FLAGS32, not a string");
    }

    @Test
    void render_execveArgs_byteBufferWithDots() {
        EventView v = event("PPME_SYSCALL_EXECVE_19_X", u64(0), str("/bin/ls"), raw("-la\0/tmp\0"));

        assertThat(D.render(v, 2)).isEqualTo("-la./tmp.");
        assertThat(D.asStringList(v, 2)).containsExactly("-la", "/tmp");
        assertThat(D.render(v, 1)).isEqualTo("/bin/ls");
        assertThat(D.renderArgs(v, FdNameResolver.NONE)).isEqualTo("res=0 exe=/bin/ls args=-la./tmp.");
    }

    @Test
    void render_bytebufNonPrintables_becomeDots() {
        EventView v = event("PPME_SYSCALL_EXECVE_19_X", u64(0), str("x"), new byte[] {'a', 0x7f, (byte) 0xc3, '\n', 'b'});

        assertThat(D.render(v, 2)).isEqualTo("a...b");
    }

    @Test
    void withMaxBufferChars_longBuffer_cutWithDotsAsSysdig() {
        EventView v = event("PPME_SYSCALL_EXECVE_19_X", u64(0), str("x"), raw("abcdefghij"));

        assertThat(D.withMaxBufferChars(8).render(v, 2)).isEqualTo("abcde...");
        assertThat(D.withMaxBufferChars(10).render(v, 2)).isEqualTo("abcdefghij");
        assertThat(D.render(v, 2)).isEqualTo("abcdefghij");
        assertThatThrownBy(() -> D.withMaxBufferChars(-1)).hasMessageContaining("negative");
    }

    @Test
    void render_socketDomainEnum_joinsEveryEqualName() {
        EventView v = event("PPME_SOCKET_SOCKET_E", u32(1), u32(524290), u32(0));

        assertThat(D.render(v, 0)).isEqualTo("AF_LOCAL|AF_UNIX");
        assertThat(D.render(event("PPME_SOCKET_SOCKET_E", u32(2), u32(1), u32(0)), 0)).isEqualTo("AF_INET");
        assertThat(D.renderArgs(v, FdNameResolver.NONE)).isEqualTo("domain=1(AF_LOCAL|AF_UNIX) type=524290 proto=0");
    }

    @Test
    void render_signalAndPid_resolveNames() {
        EventView v = event("PPME_SYSCALL_KILL_E", u64(1), u8(9));

        assertThat(D.renderArgs(v, STATE)).isEqualTo("pid=1(systemd) sig=9(SIGKILL)");
        assertThat(D.renderArgs(v, FdNameResolver.NONE)).isEqualTo("pid=1 sig=9(SIGKILL)");
    }

    @Test
    void render_relativeTime_nanosecondsAndSeconds() {
        assertThat(D.renderArgs(event("PPME_SYSCALL_NANOSLEEP_E", u64(1_500_000_000L)), FdNameResolver.NONE))
                .isEqualTo("interval=1500000000(1.5s)");
        assertThat(D.renderArgs(event("PPME_SYSCALL_NANOSLEEP_E", u64(-1)), FdNameResolver.NONE))
                .isEqualTo("interval=none");
        assertThat(D.render(event("PPME_SYSCALL_NANOSLEEP_E", u64(100)), 0)).isEqualTo("1e-07s");
    }

    @Test
    void render_mode_octalWithNames() {
        EventView v = event("PPME_SYSCALL_CHMOD_X", u64(0), str("/tmp/x"), u32(0755));

        assertThat(D.renderRaw(v, 2)).isEqualTo("0755");
        assertThat(D.render(v, 2)).isEqualTo("S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR");
        assertThat(D.asLong(v, 2)).isEqualTo(0755);
    }

    @Test
    void render_uid_nameOrNaOrNone() {
        assertThat(D.render(event("PPME_SYSCALL_SETUID_E", u32(0)), 0, STATE)).isEqualTo("root");
        assertThat(D.renderArgs(event("PPME_SYSCALL_SETUID_E", u32(1000)), STATE)).isEqualTo("uid=1000(<NA>)");
        assertThat(D.renderArgs(event("PPME_SYSCALL_SETUID_E", u32(0xffffffffL)), STATE)).isEqualTo("uid=-1(<NONE>)");
        assertThat(D.asLong(event("PPME_SYSCALL_SETUID_E", u32(0xffffffffL)), 0)).isEqualTo(0xffffffffL);
    }

    @Test
    void render_fdList_withThreadOnly() {
        byte[] fds = concat(u16(2), u64(3), u16(1), u64(9), u16(0x41));
        EventView v = event("PPME_SYSCALL_POLL_X", u64(1), fds, u64(-1));

        assertThat(D.render(v, 1, STATE)).isEqualTo("3:f1 9:?41");
        assertThat(D.render(v, 1)).isEmpty();
        assertThat(D.render(v, 2)).isEqualTo("-1");
        FdList list = D.fdList(v, 1, new FdList());
        assertThat(list.count()).isEqualTo(2);
        assertThat(list.fd(1)).isEqualTo(9);
    }

    @Test
    void render_sigset_signalNamesSpaceSeparated() {
        EventView v = event("PPME_SYSCALL_PPOLL_E", concat(u16(0)), u64(-1), u32((1 << 8) | (1 << 16)));

        assertThat(D.render(v, 2)).isEqualTo("SIGKILL SIGCHLD");
        assertThat(D.render(v, 1)).isEqualTo("none");
    }

    @Test
    void render_mmapFlags_protAndMapNames() {
        EventView v = event("PPME_SYSCALL_MMAP_E", u64(0), u64(4096), u32(1 | 2), u32(2 | 32), u64(-1), u64(0));

        assertThat(D.render(v, 2)).isEqualTo(ParamTables.get().flagTable("prot_flags").orElseThrow().renderFlags(3));
        assertThat(D.render(v, 2)).contains("PROT_READ").contains("PROT_WRITE");
        assertThat(D.renderRaw(v, 0)).isEqualTo("0");
        assertThat(D.renderRaw(v, 1)).isEqualTo("4096");
    }

    @Test
    void render_dynamicParam_selectsVariantByFirstByte() {
        int uint32 = 2;
        EventView v = event("PPME_SOCKET_SETSOCKOPT_X", u64(0), u64(3), u8(1), u8(2),
                concat(u8(uint32), u32(1)), u32(4));
        EventView err = event("PPME_SOCKET_SETSOCKOPT_X", u64(0), u64(3), u8(1), u8(2),
                concat(u8(1), u64(-13)), u32(4));
        EventView bad = event("PPME_SOCKET_SETSOCKOPT_X", u64(0), u64(3), u8(1), u8(2), concat(u8(9), u32(1)),
                u32(4));

        assertThat(D.render(v, 4)).isEqualTo("1");
        assertThat(D.asLong(v, 4)).isEqualTo(1);
        assertThat(D.render(err, 4)).isEqualTo("EACCES");
        assertThat(D.render(bad, 4)).isEqualTo("INVALID DYNAMIC PARAMETER");
        assertThatThrownBy(() -> D.asLong(bad, 4)).isInstanceOf(ParamDecodeException.class)
                .hasMessageContaining("dynamic variant 9");
    }

    @Test
    void render_syscallId_namesGenericEvents() {
        EventView v = event("PPME_GENERIC_E", u16(EventTable.get().all().size() > 0 ? 1 : 0), u16(219));

        assertThat(D.render(v, 0)).isEqualTo(EventTable.get().syscallName(1));
        assertThat(D.renderArgs(v, FdNameResolver.NONE)).isEqualTo("ID=1(" + EventTable.get().syscallName(1)
                + ") nativeID=219");
        assertThat(D.renderArgs(event("PPME_GENERIC_X", u16(1), u16(219)), FdNameResolver.NONE)).isEmpty();
        assertThat(D.render(event("PPME_GENERIC_E", u16(65000), u16(0)), 0)).isEqualTo("<unknown syscall>");
    }

    @Test
    void render_absoluteTime_libsinspTextWithoutZone() {
        EventView v = event("PPME_SYSCALL_EXECVE_19_X", u64(0), str("x"), raw(""), u64(1), u64(1), u64(1), str("/"),
                u64(0), u64(0), u64(0), u32(0), u32(0), u32(0), str("x"), raw(""), raw(""), u32(0), u64(0), u32(0),
                u32(0), u64(0), u64(0), u64(0), u64(0), u64(1_470_327_477_881_781_397L));

        assertThat(D.render(v, 24)).isEqualTo("2016-08-04 16:17:57.881781397");
    }

    @Test
    void asLong_wrongLength_throwsLibsinspLikeMessage() {
        EventView v = event("PPME_SYSCALL_OPEN_X", u64(3), str("/x"), u16(1), u32(0), u32(0), u64(0));

        assertThatThrownBy(() -> D.asLong(v, 2)).isInstanceOf(ParamDecodeException.class)
                .hasMessage("could not parse param 2 (flags) for event of type 3 (open), for tid 42: expected length 4, "
                        + "found 2");
        assertThatThrownBy(() -> D.render(v, 9)).isInstanceOf(ParamDecodeException.class)
                .hasMessageContaining("no param 9");
        assertThatThrownBy(() -> D.asLong(v, 1)).hasMessageContaining("PT_FSPATH, not a number");
    }

    @Test
    void render_oldLayoutWidth_readsAtItsOwnWidth() {
        EventView v = event("PPME_SYSCALL_OPEN_X", u32(-1), str("/x"), u16(1), u32(0), u32(0), u64(0));
        EventView odd = event("PPME_SYSCALL_OPEN_X", new byte[3], str("/x"), u32(1), u32(0), u32(0), u64(0));

        assertThat(D.render(v, 2)).isEqualTo("O_RDONLY");
        assertThat(D.render(v, 0)).isEqualTo("-1");
        assertThatThrownBy(() -> D.asLong(v, 0)).hasMessageContaining("expected length 8, found 4");
        assertThatThrownBy(() -> D.render(odd, 0)).isInstanceOf(ParamDecodeException.class)
                .hasMessageContaining("expected length 8, found 3");
    }

    @Test
    void cformat_g_matchesPrintf() {
        assertThat(ParamDecoder.CFormat.g(1.5)).isEqualTo("1.5");
        assertThat(ParamDecoder.CFormat.g(0.0001)).isEqualTo("0.0001");
        assertThat(ParamDecoder.CFormat.g(0.00001)).isEqualTo("1e-05");
        assertThat(ParamDecoder.CFormat.g(123456)).isEqualTo("123456");
        assertThat(ParamDecoder.CFormat.g(1234567)).isEqualTo("1.23457e+06");
        assertThat(ParamDecoder.CFormat.g(100)).isEqualTo("100");
        assertThat(ParamDecoder.CFormat.g(0.1234565)).isEqualTo("0.123456"); // the double lies below the tie, as C prints
        assertThat(ParamDecoder.CFormat.g(999999.5)).isEqualTo("1e+06");
    }

    @Test
    void cformat_numericFormats_matchPrintf() {
        StringBuilder b = new StringBuilder();
        ParamDecoder.CFormat.appendInt(b, -1, PrintFormat.PF_HEX);
        b.append(' ');
        ParamDecoder.CFormat.appendInt(b, 0, PrintFormat.PF_OCT);
        b.append(' ');
        ParamDecoder.CFormat.appendInt(b, 8, PrintFormat.PF_OCT);
        b.append(' ');
        ParamDecoder.CFormat.appendInt(b, 42, PrintFormat.PF_10_PADDED_DEC);
        b.append(' ');
        ParamDecoder.CFormat.appendInt(b, (int) 0xffffffffL, PrintFormat.PF_DEC);
        b.append(' ');
        ParamDecoder.CFormat.appendLong(b, 0xABCDEFL, PrintFormat.PF_HEX);

        assertThat(b).hasToString("FFFFFFFF 0 010 000000042 -1 ABCDEF");
    }
}
