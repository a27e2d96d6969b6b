package dev.peregrine.capture;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * One open file descriptor of a thread, as the capture's fd list recorded it. The shape depends on the kind: files
 * and other named descriptors carry a name, sockets carry their addresses.
 */
public sealed interface FdInfo {
    /** {@return the descriptor number} */
    long fd();

    /** {@return the inode number (0 when unknown)} */
    long ino();

    /** {@return the kind of descriptor} */
    FdType type();

    /**
     * A descriptor known by a name: files (old format), directories, fifos, event fds, signalfd, epoll, inotify,
     * timerfd, netlink, bpf, userfaultfd, io_uring, memfd, pidfd, and unsupported kinds. A kind from a newer library
     * arrives as {@link FdType#UNSUPPORTED} named {@code unknown-type:[N]}, as libscap does.
     */
    record Named(long fd, long ino, FdType type, String name) implements FdInfo {
        public Named {
            requireNonNull(type, "type is null");
            requireNonNull(name, "name is null");
        }
    }

    /** A regular file (the current format): open flags, path and device. */
    record RegularFile(long fd, long ino, int openFlags, String name, long dev) implements FdInfo {
        public RegularFile {
            requireNonNull(name, "name is null");
        }

        @Override
        public FdType type() {
            return FdType.FILE_V2;
        }
    }

    /** A connected IPv4 socket. Ports are host order; {@code l4proto} is libscap's {@code scap_l4_proto}. */
    record Ipv4Socket(long fd, long ino, Inet4Address sip, Inet4Address dip, int sport, int dport, int l4proto)
            implements FdInfo {
        public Ipv4Socket {
            requireNonNull(sip, "sip is null");
            requireNonNull(dip, "dip is null");
        }

        @Override
        public FdType type() {
            return FdType.IPV4_SOCK;
        }
    }

    /** A listening IPv4 socket. */
    record Ipv4ServerSocket(long fd, long ino, Inet4Address ip, int port, int l4proto) implements FdInfo {
        public Ipv4ServerSocket {
            requireNonNull(ip, "ip is null");
        }

        @Override
        public FdType type() {
            return FdType.IPV4_SERVSOCK;
        }
    }

    /** A connected IPv6 socket. */
    record Ipv6Socket(long fd, long ino, Inet6Address sip, Inet6Address dip, int sport, int dport, int l4proto)
            implements FdInfo {
        public Ipv6Socket {
            requireNonNull(sip, "sip is null");
            requireNonNull(dip, "dip is null");
        }

        @Override
        public FdType type() {
            return FdType.IPV6_SOCK;
        }
    }

    /** A listening IPv6 socket. */
    record Ipv6ServerSocket(long fd, long ino, Inet6Address ip, int port, int l4proto) implements FdInfo {
        public Ipv6ServerSocket {
            requireNonNull(ip, "ip is null");
        }

        @Override
        public FdType type() {
            return FdType.IPV6_SERVSOCK;
        }
    }

    /** A unix domain socket: kernel addresses of both ends and the bound path. */
    record UnixSocket(long fd, long ino, long source, long destination, String name) implements FdInfo {
        public UnixSocket {
            requireNonNull(name, "name is null");
        }

        @Override
        public FdType type() {
            return FdType.UNIX_SOCK;
        }
    }
}
