package dev.peregrine.state.fd;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.FdType;
import java.util.Arrays;

/**
 * One open file descriptor of a process, as libsinsp's {@code sinsp_fdinfo} tracks it. Mutable: the state engine
 * updates it in place as events arrive (a connect fills the socket tuple, a bind turns it into a server socket).
 *
 * <p>Socket addresses: an IPv4 address is an {@code int} whose most significant byte is the first octet
 * ({@code 127.0.0.1} is {@code 0x7F000001}); IPv6 addresses are 16-byte arrays in network order; ports are plain
 * numbers. For a file the {@link #name()} is the absolute, normalized path.
 */
public final class FdState {
    /** The role a socket plays in its connection, from the call that set it up. */
    public enum Role {
        /** Not known (yet): a fresh socket, or a non-socket descriptor. */
        NONE,
        /** The side that connected. */
        CLIENT,
        /** The side that bound or accepted. */
        SERVER
    }

    /** Layer-4 protocol codes ({@code scap_l4_proto}). */
    public static final int L4_UNKNOWN = 0;
    /** TCP. */
    public static final int L4_TCP = 1;
    /** UDP. */
    public static final int L4_UDP = 2;
    /** ICMP. */
    public static final int L4_ICMP = 3;
    /** Raw IP. */
    public static final int L4_RAW = 4;

    /** Open flag {@code PPM_O_CLOEXEC}: the descriptor is closed by execve. */
    public static final int O_CLOEXEC = 1 << 12;
    /** Open flag {@code PPM_O_DIRECTORY}. */
    public static final int O_DIRECTORY = 1 << 10;
    /** Open flag {@code PPM_FD_UPPER_LAYER}: the file is in the upper layer of an overlay. */
    public static final int FD_UPPER_LAYER = 1 << 15;
    /** Open flag {@code PPM_FD_LOWER_LAYER}. */
    public static final int FD_LOWER_LAYER = 1 << 16;

    /** Bytes of an IPv6 address. */
    public static final int IPV6_BYTES = 16;

    /** Rough fixed cost of one instance and its header, for retained-size reports. */
    static final int SHALLOW_BYTES = 112;

    private long fd;
    private FdType type = FdType.UNKNOWN;
    private String name = "";
    private String nameRaw = "";
    private String oldName = "";
    private int openFlags;
    private long dev;
    private long ino;
    private int l4proto = L4_UNKNOWN;
    private int sip;
    private int dip;
    private byte[] sip6;
    private byte[] dip6;
    private int sport;
    private int dport;
    private long unixSource;
    private long unixDest;
    private long pidfdPid = -1;
    private Role role = Role.NONE;
    private boolean connected;
    private boolean cloned;

    /** Creates a descriptor of unknown type with an empty name. */
    public FdState(long fd) {
        this.fd = fd;
    }

    /** {@return a deep copy carrying number {@code newFd}} */
    public FdState copyAs(long newFd) {
        FdState c = new FdState(newFd);
        c.type = type;
        c.name = name;
        c.nameRaw = nameRaw;
        c.oldName = oldName;
        c.openFlags = openFlags;
        c.dev = dev;
        c.ino = ino;
        c.l4proto = l4proto;
        c.sip = sip;
        c.dip = dip;
        c.sip6 = sip6 == null ? null : sip6.clone();
        c.dip6 = dip6 == null ? null : dip6.clone();
        c.sport = sport;
        c.dport = dport;
        c.unixSource = unixSource;
        c.unixDest = unixDest;
        c.pidfdPid = pidfdPid;
        c.role = role;
        c.connected = connected;
        c.cloned = cloned;
        return c;
    }

    /** {@return the descriptor number} */
    public long fd() {
        return fd;
    }

    /** {@return the kind of descriptor} */
    public FdType type() {
        return type;
    }

    /** Sets the kind. */
    public void setType(FdType type) {
        this.type = requireNonNull(type, "type is null");
    }

    /**
     * {@return the character {@code fd.typechar} shows}: {@code f} file, {@code d} directory, {@code 4}/{@code 6} IPv4/
     * IPv6 socket, {@code u} unix socket or userfaultfd, {@code p} pipe, {@code e} eventfd, {@code s} signalfd,
     * {@code l} epoll, {@code i} inotify, {@code t} timerfd, {@code n} netlink, {@code b} bpf, {@code r} io_uring,
     * {@code m} memfd, {@code P} pidfd, {@code X} unsupported, {@code o} unknown
     */
    public char typechar() {
        return typechar(type);
    }

    /** {@return the {@code fd.typechar} of a kind of descriptor} */
    public static char typechar(FdType type) {
        return switch (type) {
            case FILE, FILE_V2 -> 'f';
            case DIRECTORY -> 'd';
            case IPV4_SOCK, IPV4_SERVSOCK -> '4';
            case IPV6_SOCK, IPV6_SERVSOCK -> '6';
            case FIFO -> 'p';
            case UNIX_SOCK, USERFAULTFD -> 'u';
            case EVENT -> 'e';
            case UNKNOWN -> 'o';
            case UNSUPPORTED -> 'X';
            case SIGNALFD -> 's';
            case EVENTPOLL -> 'l';
            case INOTIFY -> 'i';
            case TIMERFD -> 't';
            case NETLINK -> 'n';
            case BPF -> 'b';
            case IOURING -> 'r';
            case MEMFD -> 'm';
            case PIDFD -> 'P';
        };
    }

    /** {@return whether this is a file or directory} */
    public boolean isFileLike() {
        return type == FdType.FILE || type == FdType.FILE_V2 || type == FdType.DIRECTORY;
    }

    /** {@return whether this is an IPv4 or IPv6 socket, connected or listening} */
    public boolean isInetSocket() {
        return type == FdType.IPV4_SOCK || type == FdType.IPV6_SOCK || type == FdType.IPV4_SERVSOCK
                || type == FdType.IPV6_SERVSOCK;
    }

    /** {@return whether this is an IPv6 socket} */
    public boolean isIpv6() {
        return type == FdType.IPV6_SOCK || type == FdType.IPV6_SERVSOCK;
    }

    /** {@return the name: the absolute path of a file, the tuple of a socket ({@code sip:sport->dip:dport}), ...} */
    public String name() {
        return name;
    }

    /** Sets the name. */
    public void setName(String name) {
        this.name = requireNonNull(name, "name is null");
    }

    /**
     * Remembers the current name as the name before the event being parsed, as libsinsp does when an event looks
     * a descriptor up; {@link #nameChanged()} then tells whether parsing changed it.
     */
    public void markLookup() {
        oldName = name;
    }

    /**
     * {@return whether the name differs from the one at lookup ({@code fd.name_changed})}: also true for a
     * descriptor the event created, whose previous name is empty
     */
    public boolean nameChanged() {
        return !name.equals(oldName);
    }

    /** {@return the path as the syscall passed it, before resolution ({@code fd.nameraw}); empty when not a file} */
    public String nameRaw() {
        return nameRaw;
    }

    /** Sets the raw name. */
    public void setNameRaw(String nameRaw) {
        this.nameRaw = requireNonNull(nameRaw, "nameRaw is null");
    }

    /** {@return the directory part of a file name, as {@code fd.directory} shows it} */
    public String directory() {
        if (type == FdType.DIRECTORY) {
            return name;
        }
        int slash = name.lastIndexOf('/');
        if (slash < 0) {
            return name;
        }
        return slash == 0 ? "/" : name.substring(0, slash);
    }

    /** {@return the last component of a file name, as {@code fd.filename} shows it} */
    public String filename() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }

    /** {@return the {@code PPM_O_*} open flags} */
    public int openFlags() {
        return openFlags;
    }

    /** Sets the open flags. */
    public void setOpenFlags(int openFlags) {
        this.openFlags = openFlags;
    }

    /** {@return whether execve closes this descriptor} */
    public boolean closeOnExec() {
        return (openFlags & O_CLOEXEC) != 0;
    }

    /** {@return the device number of a file (0 when unknown)} */
    public long dev() {
        return dev;
    }

    /** Sets the device number. */
    public void setDev(long dev) {
        this.dev = dev;
    }

    /** {@return the inode number (0 when unknown)} */
    public long ino() {
        return ino;
    }

    /** Sets the inode number. */
    public void setIno(long ino) {
        this.ino = ino;
    }

    /** {@return the layer-4 protocol of a socket, one of the {@code L4_*} codes} */
    public int l4proto() {
        return l4proto;
    }

    /** Sets the layer-4 protocol. */
    public void setL4proto(int l4proto) {
        this.l4proto = l4proto;
    }

    /** {@return the {@code fd.l4proto} name: tcp, udp, icmp, raw, or unknown} */
    public String l4protoName() {
        return switch (l4proto) {
            case L4_TCP -> "tcp";
            case L4_UDP -> "udp";
            case L4_ICMP -> "icmp";
            case L4_RAW -> "raw";
            default -> "unknown";
        };
    }

    /** {@return the source (IPv4 client side) address; for a listening socket, the bound address} */
    public int sip() {
        return sip;
    }

    /** {@return the destination IPv4 address} */
    public int dip() {
        return dip;
    }

    /** {@return the source IPv6 address, or null} */
    public byte[] sip6() {
        return sip6;
    }

    /** {@return the destination IPv6 address, or null} */
    public byte[] dip6() {
        return dip6;
    }

    /** {@return the source port; for a listening socket, the bound port} */
    public int sport() {
        return sport;
    }

    /** {@return the destination port} */
    public int dport() {
        return dport;
    }

    /** Sets the IPv4 tuple. */
    public void setIpv4Tuple(int sip, int sport, int dip, int dport) {
        this.sip = sip;
        this.sport = sport;
        this.dip = dip;
        this.dport = dport;
    }

    /** Sets the IPv6 tuple (the arrays are copied into storage the descriptor owns). */
    public void setIpv6Tuple(byte[] sip, int sport, byte[] dip, int dport) {
        this.sip6 = copy16(this.sip6, sip);
        this.dip6 = copy16(this.dip6, dip);
        this.sport = sport;
        this.dport = dport;
    }

    /** Sets the destination IPv4 address and port alone. */
    public void setIpv4Destination(int dip, int dport) {
        this.dip = dip;
        this.dport = dport;
    }

    /** Sets the destination IPv6 address and port alone. */
    public void setIpv6Destination(byte[] dip, int dport) {
        this.dip6 = copy16(this.dip6, dip);
        this.dport = dport;
    }

    /** Sets the bound address of a listening IPv4 socket (kept in the source fields). */
    public void setIpv4Server(int ip, int port) {
        this.sip = ip;
        this.sport = port;
    }

    /** Sets the bound address of a listening IPv6 socket. */
    public void setIpv6Server(byte[] ip, int port) {
        this.sip6 = copy16(this.sip6, ip);
        this.sport = port;
    }

    /** Swaps the source and destination ends. */
    public void swapEnds() {
        int ip = sip;
        sip = dip;
        dip = ip;
        byte[] ip6 = sip6;
        sip6 = dip6;
        dip6 = ip6;
        int port = sport;
        sport = dport;
        dport = port;
    }

    /** {@return the kernel address of a unix socket's own end} */
    public long unixSource() {
        return unixSource;
    }

    /** {@return the kernel address of a unix socket's peer} */
    public long unixDest() {
        return unixDest;
    }

    /** Sets both kernel addresses of a unix socket. */
    public void setUnixEnds(long source, long dest) {
        this.unixSource = source;
        this.unixDest = dest;
    }

    /** {@return the process a pidfd refers to, -1 otherwise} */
    public long pidfdPid() {
        return pidfdPid;
    }

    /** Sets the process of a pidfd. */
    public void setPidfdPid(long pid) {
        this.pidfdPid = pid;
    }

    /** {@return the socket's role} */
    public Role role() {
        return role;
    }

    /** Sets the socket's role. */
    public void setRole(Role role) {
        this.role = requireNonNull(role, "role is null");
    }

    /** {@return whether the socket is connected ({@code fd.connected})} */
    public boolean connected() {
        return connected;
    }

    /** Sets whether the socket is connected. */
    public void setConnected(boolean connected) {
        this.connected = connected;
    }

    /** {@return whether the descriptor was inherited from the parent at clone} */
    public boolean cloned() {
        return cloned;
    }

    /** Marks the descriptor as inherited at clone. */
    public void setCloned(boolean cloned) {
        this.cloned = cloned;
    }

    /** {@return an estimate of the bytes this descriptor retains} */
    public long retainedBytes() {
        long bytes = SHALLOW_BYTES + stringBytes(name) + (nameRaw == name ? 0 : stringBytes(nameRaw));
        if (sip6 != null) {
            bytes += 32;
        }
        if (dip6 != null) {
            bytes += 32;
        }
        return bytes;
    }

    static long stringBytes(String s) {
        return s.isEmpty() ? 0 : 24 + 16 + s.length();
    }

    private static byte[] copy16(byte[] into, byte[] from) {
        if (from == null) {
            return null;
        }
        byte[] out = into == null ? new byte[IPV6_BYTES] : into;
        System.arraycopy(from, 0, out, 0, IPV6_BYTES);
        return out;
    }

    @Override
    public String toString() {
        return "FdState[fd=" + fd + ", type=" + type + ", name=" + name + ", flags=" + openFlags
                + (sip6 != null ? ", sip6=" + Arrays.toString(sip6) : "") + "]";
    }
}
