package dev.peregrine.capture.scap;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.FdType;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.MachineInfo;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.capture.convert.LegacyEventSplitter;
import dev.peregrine.event.Event;
import dev.peregrine.event.EventView;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a scap capture in the current format (section header 1.2, as libscap's dumper writes it), plain or
 * gzip-compressed, from the same {@link ScapBlock} records {@link ScapFileSource} delivers plus events.
 *
 * <p>State blocks are written in their newest layouts whatever layout they were read from: machine info, interface
 * list {@code IL_V2}, user list {@code UL_V2}, process list {@code PL_V9}, fd lists {@code FDL_V2}; events as
 * {@code EV_V2} blocks, {@code EVF_V2} when they carry dump flags, and the {@code _LARGE} variants for event types
 * with 32-bit parameter lengths. Reading the file back gives the same events and the same state records (block
 * offsets and types aside). A {@link ScapBlock.SectionHeader} starts a new section; the first section header is
 * written on the first block if the caller gives none. {@link ScapBlock.Unknown} blocks cannot be reproduced (their
 * bytes are not kept) and are skipped.
 *
 * <p>The events are written byte for byte as given: write events as read with {@link ScapFileSource#openAsWritten}
 * to copy a capture in the layouts it was written with (what older readers such as {@code sysdig} 0.29.3 know, see
 * {@code docs/scap-compat.md}), or as read with {@link ScapFileSource#open} to write the current layouts. With
 * {@link Layout#SYSDIG_0_29}, exit events in the current layout of syscalls that older drivers split over an enter
 * and an exit event are written as that older pair ({@link LegacyEventSplitter}), so that {@code sysdig -r} 0.29.3
 * finds the fd, size and other arguments it takes from enter events.
 */
public final class ScapFileWriter implements AutoCloseable {
    /*
     * Implementation notes.
     *
     * Layouts are libscap's dumper (userspace/libscap/scap_savefile.c), facts of the format: every block is
     * type, total length, body padded to 4 bytes, total length. Entry lengths of the V2 lists count their own length
     * field except interface entries, which libscap counts without it. Strings are written without their NUL with a
     * u16 length, string lists as NUL-terminated strings concatenated (what libscap's process list carries, and
     * what the reader splits).
     *
     * Events: one reusable array holds a block; the event bytes are copied in straight from the view's segment, so
     * writing an event allocates nothing once the array fits the largest event.
     */

    /** Format version written in the section header (libscap's CURRENT_MAJOR/MINOR_VERSION). */
    public static final int MAJOR_VERSION = 1;
    /** Minor format version written. */
    public static final int MINOR_VERSION = 2;
    /** Bytes of the hostname field of the machine info block. */
    private static final int HOSTNAME_BYTES = 128;
    /** Bytes of libscap's machine info struct: cpus, memory, max pid, hostname, boot time, flags, two reserved. */
    private static final int MACHINE_INFO_BYTES = 4 + 8 + 8 + HOSTNAME_BYTES + 8 + 8 + 8 + 8;
    private static final int IFTYPE_IPV4 = 1;
    private static final int IFTYPE_IPV6 = 2;
    private static final int USERBLOCK_TYPE_USER = 0;
    private static final int USERBLOCK_TYPE_GROUP = 1;
    private static final int MAX_U16 = 0xFFFF;
    private static final int STREAM_BUFFER_BYTES = 1 << 16;
    private static final int DEVID_BYTES = 2;
    private static final int FLAGS_BYTES = 4;
    private static final int BLOCK_HEADER_BYTES = ScapFileSource.BLOCK_HEADER_BYTES;
    /** The newest fd type sysdig 0.29.3's capture reader accepts. */
    private static final FdType SYSDIG_0_29_LAST_FD_TYPE = FdType.FILE_V2;

    /** The event layouts written. */
    public enum Layout {
        /** Events exactly as given (the current layouts for converted events). */
        CURRENT,
        /**
         * Exit-only events of the current driver are split into the enter + exit pair that {@code sysdig} 0.29.3's
         * event table describes; everything else as given.
         */
        SYSDIG_0_29
    }

    private final OutputStream out;
    private final IntPredicate largePayload;
    private final LegacyEventSplitter splitter;
    private Buf block = new Buf(1 << 16);
    private boolean sawSection;
    private boolean closed;
    private long events;

    private ScapFileWriter(OutputStream out, IntPredicate largePayload, Layout layout) {
        this.out = out;
        this.largePayload = largePayload;
        this.splitter = layout == Layout.SYSDIG_0_29 ? LegacyEventSplitter.standard() : null;
    }

    /**
     * Creates (or truncates) a capture file.
     *
     * @param gzip whether to gzip-compress the file, as {@code sysdig -z} does
     */
    public static ScapFileWriter create(Path path, boolean gzip) throws IOException {
        return create(path, gzip, Layout.CURRENT);
    }

    /**
     * Creates (or truncates) a capture file with the given event layouts.
     *
     * @param gzip whether to gzip-compress the file, as {@code sysdig -z} does
     */
    public static ScapFileWriter create(Path path, boolean gzip, Layout layout) throws IOException {
        requireNonNull(path, "path is null");
        requireNonNull(layout, "layout is null");
        return open(Files.newOutputStream(path), gzip, layout);
    }

    /** Writes a capture to a stream; the writer closes the stream. */
    public static ScapFileWriter open(OutputStream stream, boolean gzip) throws IOException {
        return open(stream, gzip, Layout.CURRENT);
    }

    /** Writes a capture with the given event layouts to a stream; the writer closes the stream. */
    public static ScapFileWriter open(OutputStream stream, boolean gzip, Layout layout) throws IOException {
        requireNonNull(stream, "stream is null");
        requireNonNull(layout, "layout is null");
        OutputStream o = gzip ? new GZIPOutputStream(stream, STREAM_BUFFER_BYTES)
                : new BufferedOutputStream(stream, STREAM_BUFFER_BYTES);
        return new ScapFileWriter(o, TableEventShapes.standard()::largePayload, layout);
    }

    /** {@return the number of events written} */
    public long eventCount() {
        return events;
    }

    /** Writes a state block (a section header starts a new section); unknown blocks are skipped. */
    public void write(ScapBlock b) throws IOException {
        requireNonNull(b, "b is null");
        checkOpen();
        if (!(b instanceof ScapBlock.SectionHeader) && !(b instanceof ScapBlock.Unknown)) {
            ensureSection();
        }
        switch (b) {
            case ScapBlock.SectionHeader h -> writeSection();
            case ScapBlock.Machine m -> writeMachine(m.info());
            case ScapBlock.Processes p -> writeProcesses(p.threads());
            case ScapBlock.Fds f -> writeFds(f.tid(), f.fds());
            case ScapBlock.Interfaces i -> writeInterfaces(i.interfaces());
            case ScapBlock.Users u -> writeUsers(u.users(), u.groups());
            case ScapBlock.Unknown u -> {
                // the bytes of an unknown block are not kept by the reader: nothing to write
            }
        }
    }

    /**
     * Writes the event {@code event} points at.
     *
     * @param cpu the CPU ("device id") to record, 0..65535
     * @param flags libscap's dump flags ({@code SCAP_DF_*}); non-zero flags make an {@code EVF} block
     */
    public void writeEvent(EventView event, int cpu, int flags) throws IOException {
        requireNonNull(event, "event is null");
        checkOpen();
        ensureSection();
        switch (splitter == null ? 0 : splitter.toLegacy(event)) {
            case 0 -> writeBlock(event, cpu, flags);
            case 1 -> writeBlock(splitter.exit(), cpu, flags);
            default -> {
                writeBlock(splitter.enter(), cpu, flags);
                writeBlock(splitter.exit(), cpu, flags);
            }
        }
    }

    private void writeBlock(EventView event, int cpu, int flags) throws IOException {
        long len = event.len();
        if (len > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("event of " + len + " bytes is too large");
        }
        int type = blockType(event.type(), flags);
        int head = BLOCK_HEADER_BYTES + DEVID_BYTES + (flags != 0 ? FLAGS_BYTES : 0);
        int total = padded(head + (int) len) + ScapFileSource.BLOCK_TRAILER_BYTES;
        block.reset(total);
        block.u32(type).u32(total).u16(cpu);
        if (flags != 0) {
            block.u32(flags);
        }
        MemorySegment.copy(event.segment(), ValueLayout.JAVA_BYTE, event.offset(), block.bytes, block.size,
                (int) len);
        block.size += (int) len;
        block.pad().u32(total);
        out.write(block.bytes, 0, block.size);
        events++;
    }

    /** Writes the event {@code event} points at, with its CPU and no flags. */
    public void writeEvent(EventView event) throws IOException {
        writeEvent(event, Math.max(event.cpu(), 0), 0);
    }

    /** Writes a copied event in the current header layout. */
    public void writeEvent(Event event, int flags) throws IOException {
        requireNonNull(event, "event is null");
        boolean large = largePayload.test(event.type());
        int lenBytes = large ? Integer.BYTES : Short.BYTES;
        long len = EventView.HEADER_BYTES + (long) event.params().size() * lenBytes;
        for (Event.Param p : event.params()) {
            if (!large && p.length() > MAX_U16) {
                throw new IllegalArgumentException("parameter of " + p.length() + " bytes needs 32-bit lengths");
            }
            len += p.length();
        }
        Buf e = new Buf((int) len);
        e.u64(event.ts()).u64(event.tid()).u32((int) len).u16(event.type()).u32(event.params().size());
        for (Event.Param p : event.params()) {
            if (large) {
                e.u32(p.length());
            } else {
                e.u16(p.length());
            }
        }
        for (Event.Param p : event.params()) {
            e.bytes(p.bytes());
        }
        EventView v = new EventView(largePayload);
        v.pointAt(MemorySegment.ofArray(e.bytes), 0, event.cpu());
        writeEvent(v, Math.max(event.cpu(), 0), flags);
    }

    /** Flushes buffered bytes to the stream. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.close();
    }

    private int blockType(int code, int flags) {
        boolean large = largePayload.test(code);
        if (flags == 0) {
            return large ? BlockType.EV_V2_LARGE.code() : BlockType.EV_V2.code();
        }
        return large ? BlockType.EVF_V2_LARGE.code() : BlockType.EVF_V2.code();
    }

    private void ensureSection() throws IOException {
        if (!sawSection) {
            writeSection();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the writer is closed");
        }
    }

    private void writeSection() throws IOException {
        sawSection = true;
        Buf b = begin(BlockType.SHB);
        b.u32(ScapFileSource.BYTE_ORDER_MAGIC).u16(MAJOR_VERSION).u16(MINOR_VERSION).u64(-1L);
        end(b);
    }

    private void writeMachine(MachineInfo m) throws IOException {
        Buf b = begin(BlockType.MI);
        b.u32((int) m.numCpus()).u64(m.memorySizeBytes()).u64(m.maxPid());
        byte[] host = m.hostname().getBytes(StandardCharsets.UTF_8);
        int n = Math.min(host.length, HOSTNAME_BYTES - 1);
        b.bytes(host, n).zeros(HOSTNAME_BYTES - n);
        b.u64(m.bootTsEpoch()).u64(m.flags()).u64(0).u64(0);
        assert b.size == BLOCK_HEADER_BYTES + MACHINE_INFO_BYTES;
        end(b);
    }

    private void writeProcesses(List<ThreadInfo> threads) throws IOException {
        Buf b = begin(BlockType.PL_V9);
        for (ThreadInfo t : threads) {
            int start = b.size;
            b.u32(0);
            b.u64(t.tid()).u64(t.pid()).u64(t.ptid()).u64(t.sid()).u64(t.vpgid());
            b.str(t.comm()).str(t.exe()).str(t.exepath()).strList(t.args()).str(t.cwd());
            b.u64(t.fdlimit()).u32(t.flags()).u32((int) t.uid()).u32((int) t.gid());
            b.u32((int) t.vmsizeKb()).u32((int) t.vmrssKb()).u32((int) t.vmswapKb());
            b.u64(t.pfmajor()).u64(t.pfminor()).strList(t.env()).u64(t.vtid()).u64(t.vpid());
            b.strList(t.cgroups()).str(t.root());
            b.u64(t.pidnsInitStartTs()).u32((int) t.tty()).u32((int) t.loginuid()).u8(t.exeWritable() ? 1 : 0);
            b.u64(t.capInheritable()).u64(t.capPermitted()).u64(t.capEffective()).u8(t.exeUpperLayer() ? 1 : 0);
            b.u64(t.exeIno()).u64(t.exeInoCtime()).u64(t.exeInoMtime());
            b.u8(t.exeFromMemfd() ? 1 : 0).u8(t.exeLowerLayer() ? 1 : 0).u64(t.pgid());
            b.putU32(start, b.size - start);
        }
        end(b);
    }

    private void writeFds(long tid, List<FdInfo> fds) throws IOException {
        Buf b = begin(BlockType.FDL_V2);
        b.u64(tid);
        for (FdInfo f : fds) {
            int start = b.size;
            b.u32(0).u64(f.fd()).u64(f.ino()).u8(fdTypeCode(f.type()));
            switch (f) {
                case FdInfo.Ipv4Socket s -> b.addr(s.sip()).addr(s.dip()).u16(s.sport()).u16(s.dport())
                        .u8(s.l4proto());
                case FdInfo.Ipv4ServerSocket s -> b.addr(s.ip()).u16(s.port()).u8(s.l4proto());
                case FdInfo.Ipv6Socket s -> b.addr(s.sip()).addr(s.dip()).u16(s.sport()).u16(s.dport())
                        .u8(s.l4proto());
                case FdInfo.Ipv6ServerSocket s -> b.addr(s.ip()).u16(s.port()).u8(s.l4proto());
                case FdInfo.UnixSocket s -> b.u64(s.source()).u64(s.destination()).str(s.name());
                case FdInfo.RegularFile r -> b.u32(r.openFlags()).str(r.name()).u32((int) r.dev());
                case FdInfo.Named n -> {
                    if (n.type() != FdType.UNKNOWN) {
                        b.str(n.name());
                    }
                }
            }
            b.putU32(start, b.size - start);
        }
        end(b);
    }

    /**
     * {@return the fd type code to write} sysdig 0.29.3 refuses a whole capture at an fd type newer than
     * {@code FILE_V2} ("wrong fd type"), so the compatible layout writes those (bpf, userfaultfd, io_uring, memfd,
     * pidfd; all carry just a name) as {@code UNSUPPORTED} with the same name.
     */
    private int fdTypeCode(FdType type) {
        return splitter != null && type.code() > SYSDIG_0_29_LAST_FD_TYPE.code() ? FdType.UNSUPPORTED.code()
                : type.code();
    }

    private void writeInterfaces(List<NetInterface> interfaces) throws IOException {
        Buf b = begin(BlockType.IL_V2);
        for (NetInterface i : interfaces) {
            int start = b.size;
            b.u32(0);
            byte[] name = i.name().getBytes(StandardCharsets.UTF_8);
            switch (i) {
                case NetInterface.Ipv4 v4 -> b.u16(IFTYPE_IPV4).u16(name.length).addr(v4.addr()).addr(v4.netmask())
                        .addr(v4.bcast()).u64(v4.linkspeed());
                case NetInterface.Ipv6 v6 -> b.u16(IFTYPE_IPV6).u16(name.length).addr(v6.addr()).addr(v6.netmask())
                        .addr(v6.bcast()).u64(v6.linkspeed());
            }
            b.bytes(name);
            b.putU32(start, b.size - start - Integer.BYTES);
        }
        end(b);
    }

    private void writeUsers(List<UserInfo> users, List<GroupInfo> groups) throws IOException {
        Buf b = begin(BlockType.UL_V2);
        for (UserInfo u : users) {
            int start = b.size;
            b.u32(0).u8(USERBLOCK_TYPE_USER).u32((int) u.uid()).u32((int) u.gid()).str(u.name()).str(u.homedir())
                    .str(u.shell());
            b.putU32(start, b.size - start);
        }
        for (GroupInfo g : groups) {
            int start = b.size;
            b.u32(0).u8(USERBLOCK_TYPE_GROUP).u32((int) g.gid()).str(g.name());
            b.putU32(start, b.size - start);
        }
        end(b);
    }

    private Buf begin(BlockType type) {
        block.reset(1 << 12);
        return block.u32(type.code()).u32(0);
    }

    private void end(Buf b) throws IOException {
        b.pad();
        int total = b.size + ScapFileSource.BLOCK_TRAILER_BYTES;
        b.u32(total);
        b.putU32(4, total);
        out.write(b.bytes, 0, b.size);
    }

    private static int padded(int n) {
        return (n + 3) & ~3;
    }

    /** A growable little-endian byte buffer, reused across blocks. */
    private static final class Buf {
        byte[] bytes;
        int size;

        Buf(int capacity) {
            bytes = new byte[Math.max(capacity, 16)];
        }

        void reset(int capacity) {
            size = 0;
            if (bytes.length < capacity) {
                bytes = new byte[capacity];
            }
        }

        private void room(int n) {
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + n, bytes.length * 2));
            }
        }

        Buf u8(int v) {
            room(1);
            bytes[size++] = (byte) v;
            return this;
        }

        Buf u16(int v) {
            room(2);
            bytes[size++] = (byte) v;
            bytes[size++] = (byte) (v >>> 8);
            return this;
        }

        Buf u32(int v) {
            room(4);
            ScapFileSource.putLe32(bytes, size, v);
            size += 4;
            return this;
        }

        Buf u64(long v) {
            return u32((int) v).u32((int) (v >>> 32));
        }

        void putU32(int at, int v) {
            ScapFileSource.putLe32(bytes, at, v);
        }

        Buf bytes(byte[] b) {
            return bytes(b, b.length);
        }

        Buf bytes(byte[] b, int n) {
            room(n);
            System.arraycopy(b, 0, bytes, size, n);
            size += n;
            return this;
        }

        Buf zeros(int n) {
            room(n);
            Arrays.fill(bytes, size, size + n, (byte) 0);
            size += n;
            return this;
        }

        Buf pad() {
            return zeros(padded(size) - size);
        }

        Buf addr(InetAddress a) {
            return bytes(a.getAddress());
        }

        Buf str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_U16) {
                throw new IllegalArgumentException("string of " + b.length + " bytes exceeds the u16 length");
            }
            return u16(b.length).bytes(b);
        }

        /** Strings each followed by NUL, under one u16 length (libscap's args, env and cgroups). */
        Buf strList(List<String> list) {
            int lenAt = size;
            u16(0);
            for (String s : list) {
                bytes(s.getBytes(StandardCharsets.UTF_8)).u8(0);
            }
            int n = size - lenAt - 2;
            if (n > MAX_U16) {
                throw new IllegalArgumentException("string list of " + n + " bytes exceeds the u16 length");
            }
            bytes[lenAt] = (byte) n;
            bytes[lenAt + 1] = (byte) (n >>> 8);
            return this;
        }
    }
}
