package dev.peregrine.capture.scap;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.MachineInfo;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the bodies of the state blocks of a scap capture (machine info, process, fd, interface and user lists)
 * into records.
 */
final class StateBlockDecoder {
    /*
     * Implementation notes.
     *
     * Layouts follow libscap's reader (userspace/libscap/engine/savefile/scap_savefile.c); they are facts of the
     * file format. Every list block is a sequence of entries followed by padding: an entry is read while at least
     * 4 bytes remain, the rest is padding to the 4-byte boundary.
     *
     * Version-2 entries (process list V9, fd list V2, user list V2, interface list V2) start with their own length,
     * counting the length field itself except for interfaces. Fields appended later are read only when the entry is
     * long enough, and bytes beyond the known fields are skipped, so newer writers stay readable.
     *
     * Process list V9 quirk: libs 0.10 inserted pidns_init_start_ts and tty in the middle of the optional tail.
     * libscap tells the two layouts apart by how much is left after the fixed part: 29 bytes or less (loginuid,
     * exe_writable, three capability sets) means the older layout without the two inserted fields.
     *
     * Unlike libscap, which bounds each string by its own buffer sizes (SCAP_MAX_PATH_SIZE...), strings here are
     * bounded by the block: a string that overruns the block is corruption, a long one inside it is accepted.
     */

    /** Bytes of the pre-0.10 optional tail of a V9 process entry: loginuid, exe_writable, three capability sets. */
    private static final int PRE_0_10_TAIL_BYTES = 4 + 1 + 3 * 8;

    /** Bytes of the hostname field of machine info (a NUL-padded C string). */
    private static final int HOSTNAME_BYTES = 128;

    private static final int IFTYPE_IPV4 = 1;
    private static final int IFTYPE_IPV6 = 2;
    private static final int IFTYPE_IPV4_NOLINKSPEED = 3;
    private static final int IFTYPE_IPV6_NOLINKSPEED = 4;

    private static final int USERBLOCK_TYPE_USER = 0;

    private StateBlockDecoder() {
    }

    static ScapBlock decode(BlockType type, long offset, byte[] body, int length) throws CorruptBlockException {
        BlockCursor c = new BlockCursor(body, length);
        return switch (type.kind()) {
            case MACHINE -> new ScapBlock.Machine(offset, type, machine(c));
            case PROCESSES -> new ScapBlock.Processes(offset, type, processes(c, type.version()));
            case FDS -> fds(c, offset, type);
            case INTERFACES -> new ScapBlock.Interfaces(offset, type, interfaces(c, type.version()));
            case USERS -> users(c, offset, type);
            case SECTION, EVENTS -> throw new IllegalArgumentException("not a state block: " + type);
        };
    }

    private static MachineInfo machine(BlockCursor c) throws CorruptBlockException {
        long numCpus = c.u32("num_cpus");
        long memory = c.i64("memory_size_bytes");
        long maxPid = c.i64("max_pid");
        String hostname = c.cString(HOSTNAME_BYTES, "hostname");
        long bootTs = c.remaining() >= 8 ? c.i64("boot_ts_epoch") : 0;
        long flags = c.remaining() >= 8 ? c.i64("flags") : 0;
        return new MachineInfo(numCpus, memory, maxPid, hostname, bootTs, flags);
    }

    private static List<ThreadInfo> processes(BlockCursor c, int version) throws CorruptBlockException {
        List<ThreadInfo> threads = new ArrayList<>();
        while (c.remaining() >= 4) {
            threads.add(process(c, version));
        }
        return threads;
    }

    private static ThreadInfo process(BlockCursor c, int v) throws CorruptBlockException {
        int start = c.position();
        long subLen = v >= 9 ? c.u32("entry length") : 0;
        ThreadInfo.Builder b = ThreadInfo.builder();
        b.tid(c.i64("tid")).pid(c.i64("pid")).ptid(c.i64("ptid"));
        if (v >= 6) {
            b.sid(c.i64("sid"));
        }
        if (v >= 8) {
            b.vpgid(c.i64("vpgid"));
        }
        b.comm(c.lenString("comm")).exe(c.lenString("exe"));
        if (v >= 7) {
            b.exepath(c.lenString("exepath"));
        }
        b.args(c.lenStringList("args")).cwd(c.lenString("cwd"));
        b.fdlimit(c.i64("fdlimit")).flags(c.i32("flags")).uid(c.u32("uid")).gid(c.u32("gid"));
        if (v >= 2) {
            b.vmsizeKb(c.u32("vmsize_kb")).vmrssKb(c.u32("vmrss_kb")).vmswapKb(c.u32("vmswap_kb"));
            b.pfmajor(c.i64("pfmajor")).pfminor(c.i64("pfminor"));
            if (v >= 3) {
                b.env(c.lenStringList("env"));
            }
            if (v >= 4) {
                b.vtid(c.i64("vtid")).vpid(c.i64("vpid")).cgroups(c.lenStringList("cgroups"));
                if (v >= 5) {
                    b.root(c.lenString("root"));
                }
            }
        }
        if (subLen == 0) {
            return b.build();
        }
        if (c.position() - start > subLen) {
            throw new CorruptBlockException("process entry of tid " + b.build().tid() + " has length " + subLen
                    + " but its fixed fields take " + (c.position() - start) + " bytes", c.position());
        }
        Tail t = new Tail(c, start, subLen);
        if (subLen - (c.position() - start) > PRE_0_10_TAIL_BYTES) {
            if (t.fits(8)) {
                b.pidnsInitStartTs(c.i64("pidns_init_start_ts"));
            }
            if (t.fits(4)) {
                b.tty(c.u32("tty"));
            }
        }
        if (t.fits(4)) {
            b.loginuid(c.u32("loginuid"));
        }
        if (t.fits(1)) {
            b.exeWritable(c.u8("exe_writable") != 0);
        }
        if (t.fits(8)) {
            b.capInheritable(c.i64("cap_inheritable"));
        }
        if (t.fits(8)) {
            b.capPermitted(c.i64("cap_permitted"));
        }
        if (t.fits(8)) {
            b.capEffective(c.i64("cap_effective"));
        }
        if (t.fits(1)) {
            b.exeUpperLayer(c.u8("exe_upper_layer") != 0);
        }
        if (t.fits(8)) {
            b.exeIno(c.i64("exe_ino"));
        }
        if (t.fits(8)) {
            b.exeInoCtime(c.i64("exe_ino_ctime"));
        }
        if (t.fits(8)) {
            b.exeInoMtime(c.i64("exe_ino_mtime"));
        }
        if (t.fits(1)) {
            b.exeFromMemfd(c.u8("exe_from_memfd") != 0);
        }
        if (t.fits(1)) {
            b.exeLowerLayer(c.u8("exe_lower_layer") != 0);
        }
        if (t.fits(8)) {
            b.pgid(c.i64("pgid"));
        }
        c.seek(start + subLen, "process entry");
        return b.build();
    }

    /** The optional tail of a length-prefixed entry: a field is present when the entry is long enough for it. */
    private record Tail(BlockCursor c, int start, long length) {
        boolean fits(int bytes) {
            return c.position() - start + bytes <= length;
        }
    }

    private static ScapBlock.Fds fds(BlockCursor c, long offset, BlockType type) throws CorruptBlockException {
        long tid = c.i64("tid");
        List<FdInfo> fds = new ArrayList<>();
        while (c.remaining() >= 4) {
            fds.add(fd(c, type.version()));
        }
        return new ScapBlock.Fds(offset, type, tid, fds);
    }

    private static FdInfo fd(BlockCursor c, int version) throws CorruptBlockException {
        int start = c.position();
        long subLen = version >= 2 ? c.u32("entry length") : 0;
        long fd = c.i64("fd");
        long ino = c.i64("ino");
        int code = c.u8("fd type");
        FdType type = FdType.ofCode(code);
        FdInfo info;
        if (type == null) {
            info = new FdInfo.Named(fd, ino, FdType.UNSUPPORTED, "unknown-type:[" + code + "]");
        } else {
            info = switch (type) {
                case IPV4_SOCK -> new FdInfo.Ipv4Socket(fd, ino, c.ipv4("sip"), c.ipv4("dip"), c.u16("sport"),
                        c.u16("dport"), c.u8("l4proto"));
                case IPV4_SERVSOCK -> new FdInfo.Ipv4ServerSocket(fd, ino, c.ipv4("ip"), c.u16("port"),
                        c.u8("l4proto"));
                case IPV6_SOCK -> new FdInfo.Ipv6Socket(fd, ino, c.ipv6("sip"), c.ipv6("dip"), c.u16("sport"),
                        c.u16("dport"), c.u8("l4proto"));
                case IPV6_SERVSOCK -> new FdInfo.Ipv6ServerSocket(fd, ino, c.ipv6("ip"), c.u16("port"),
                        c.u8("l4proto"));
                case UNIX_SOCK -> new FdInfo.UnixSocket(fd, ino, c.i64("source"), c.i64("destination"),
                        c.lenString("name"));
                case FILE_V2 -> {
                    int openFlags = c.i32("open_flags");
                    String name = c.lenString("name");
                    long dev = subLen != 0 && c.position() - start + 4 <= subLen ? c.u32("dev") : 0;
                    yield new FdInfo.RegularFile(fd, ino, openFlags, name, dev);
                }
                // libscap stores nothing after the type for the "unknown" kind
                case UNKNOWN -> new FdInfo.Named(fd, ino, type, "");
                case FILE, DIRECTORY, FIFO, EVENT, UNSUPPORTED, SIGNALFD, EVENTPOLL, INOTIFY, TIMERFD, NETLINK, BPF,
                        USERFAULTFD, IOURING, MEMFD, PIDFD -> new FdInfo.Named(fd, ino, type, c.lenString("name"));
            };
        }
        if (subLen != 0) {
            if (c.position() - start > subLen) {
                throw new CorruptBlockException("fd entry " + fd + " has length " + subLen + " but its fields take "
                        + (c.position() - start) + " bytes", c.position());
            }
            c.seek(start + subLen, "fd entry");
        }
        return info;
    }

    private static List<NetInterface> interfaces(BlockCursor c, int version) throws CorruptBlockException {
        List<NetInterface> out = new ArrayList<>();
        while (c.remaining() >= 4) {
            long entryLen = version >= 2 ? c.u32("entry length") : 0;
            int start = c.position();
            int type = c.u16("interface type");
            int nameLen = c.u16("interface name length");
            NetInterface iface = switch (type) {
                case IFTYPE_IPV4, IFTYPE_IPV4_NOLINKSPEED -> {
                    var addr = c.ipv4("addr");
                    var netmask = c.ipv4("netmask");
                    var bcast = c.ipv4("bcast");
                    long linkspeed = type == IFTYPE_IPV4 ? c.i64("linkspeed") : 0;
                    yield new NetInterface.Ipv4(c.cString(nameLen, "interface name"), addr, netmask, bcast,
                            linkspeed);
                }
                case IFTYPE_IPV6, IFTYPE_IPV6_NOLINKSPEED -> {
                    var addr = c.ipv6("addr");
                    var netmask = c.ipv6("netmask");
                    var bcast = c.ipv6("bcast");
                    long linkspeed = type == IFTYPE_IPV6 ? c.i64("linkspeed") : 0;
                    yield new NetInterface.Ipv6(c.cString(nameLen, "interface name"), addr, netmask, bcast,
                            linkspeed);
                }
                default -> throw new CorruptBlockException("unknown interface type " + type, start);
            };
            out.add(iface);
            if (entryLen != 0) {
                if (c.position() - start > entryLen) {
                    throw new CorruptBlockException("interface entry has length " + entryLen
                            + " but its fields take " + (c.position() - start) + " bytes", c.position());
                }
                c.seek(start + entryLen, "interface entry");
            }
        }
        return out;
    }

    private static ScapBlock.Users users(BlockCursor c, long offset, BlockType type) throws CorruptBlockException {
        List<UserInfo> users = new ArrayList<>();
        List<GroupInfo> groups = new ArrayList<>();
        while (c.remaining() >= 4) {
            int start = c.position();
            long subLen = type.version() >= 2 ? c.u32("entry length") : 0;
            int kind = c.u8("entry type");
            if (kind == USERBLOCK_TYPE_USER) {
                users.add(new UserInfo(c.u32("uid"), c.u32("gid"), c.lenString("user name"),
                        c.lenString("homedir"), c.lenString("shell")));
            } else {
                groups.add(new GroupInfo(c.u32("gid"), c.lenString("group name")));
            }
            if (subLen != 0) {
                if (c.position() - start > subLen) {
                    throw new CorruptBlockException("user list entry has length " + subLen
                            + " but its fields take " + (c.position() - start) + " bytes", c.position());
                }
                c.seek(start + subLen, "user list entry");
            }
        }
        return new ScapBlock.Users(offset, type, users, groups);
    }
}
