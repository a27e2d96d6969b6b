package dev.peregrine.rules.fields;

import static dev.peregrine.rules.fields.EvtFields.add;
import static dev.peregrine.rules.fields.EvtFields.ev;
import static dev.peregrine.rules.fields.EvtFields.str;

import dev.peregrine.capture.FdType;
import dev.peregrine.event.EventView;
import dev.peregrine.event.params.ParamDecoder;
import dev.peregrine.state.fd.FdState;
import dev.peregrine.state.fd.FdTable;
import dev.peregrine.state.fd.FsPath;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Extractors of the {@code fd.*} fields (libsinsp {@code sinsp_filter_check_fd}): the file descriptor the event
 * creates, uses or closes, its name, type and, for sockets, both ends of the connection.
 */
final class FdFields {
    /* Implementation notes:
     * - As libsinsp's extract_fd, fd fields have values only on events flagged EF_CREATES_FD, EF_USES_FD or
     *   EF_DESTROYS_FD whose thread is known; the descriptor is the one the state engine attached to the event,
     *   else the thread's "last event fd" looked up in its table. fd.num needs no descriptor.
     * - fd.name without a descriptor (a failed open, a connect the table missed) comes from the event itself,
     *   extract_fdname_from_event: the path or address argument of open/creat/accept/connect exits, the joined
     *   dirfd+path of openat/openat2, the path of open_by_handle_at; other events give the empty string.
     * - Client and server follow libsinsp: for a connected socket the source end is the client (fd.cip/cport) and
     *   the destination the server (fd.sip/sport); a listening socket has only the server end. lip/rip/lport/rport
     *   pick the ends by whether the client address belongs to this machine (SyscallEvent.isLocal).
     * - fd.ip, fd.port and fd.net yield both ends of a connected socket (libsinsp's compare_ip/compare_port/
     *   compare_net match either end for "=" and "in", both for "!="; the compiler implements the operator side).
     *   fd.proto (port names) is not resolved: Falco keeps name resolution off, so it yields the ports' numbers.
     * - fd.*ip.name have no value: see the binding below.
     * - Addresses are handed out in scratch arrays of the event holder, valid for the current event only. */

    private static final EventFacts FACTS = EventFacts.INSTANCE;
    private static final ParamDecoder DECODER = ParamDecoder.get();

    private FdFields() {
    }

    /** {@return the extractor of {@code field}, or null when this class does not know it} */
    static Extractor bind(ResolvedField field) {
        return switch (field.info().name()) {
            case "fd.num" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return fdEvent(s) && add(out, s.lastEventFd());
            };
            case "fd.uid" -> (e, out) -> {
                SyscallEvent s = ev(e);
                return fdEvent(s) && str(out, Long.toString(s.thread().tid()) + s.lastEventFd());
            };
            case "fd.name" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (!fdEvent(s)) {
                    return false;
                }
                FdState f = fdOf(s);
                return str(out, f != null ? f.name() : nameFromEvent(s));
            };
            case "fd.nameraw" -> fd((s, f, out) -> str(out, f.nameRaw().isEmpty() ? f.name() : f.nameRaw()));
            case "fd.containername" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (!fdEvent(s)) {
                    return false;
                }
                FdState f = fdOf(s);
                String name = f != null ? f.name() : nameFromEvent(s);
                return name != null && str(out, s.thread().containerId() + ":" + name);
            };
            case "fd.directory", "fd.containerdirectory" -> {
                boolean container = field.info().name().equals("fd.containerdirectory");
                yield (e, out) -> {
                    SyscallEvent s = ev(e);
                    if (!fdEvent(s)) {
                        return false;
                    }
                    FdState f = fdOf(s);
                    String dir;
                    if (f == null) {
                        String n = nameFromEvent(s);
                        if (n == null) {
                            return false;
                        }
                        dir = directoryOf(n);
                    } else if (!f.isFileLike()) {
                        return false;
                    } else {
                        dir = f.type() == FdType.DIRECTORY ? f.name() : directoryOf(f.name());
                    }
                    return str(out, container ? s.thread().containerId() + ":" + dir : dir);
                };
            }
            case "fd.filename" -> fd((s, f, out) -> {
                if (f.type() != FdType.FILE && f.type() != FdType.FILE_V2) {
                    return false;
                }
                String n = f.name();
                int slash = n.lastIndexOf('/');
                if (slash < 0) {
                    return str(out, "/");
                }
                return str(out, slash < n.length() - 1 ? n.substring(slash + 1) : n);
            });
            case "fd.type" -> fd((s, f, out) -> str(out, typeName(f)));
            case "fd.typechar" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (!fdEvent(s)) {
                    return false;
                }
                FdState f = fdOf(s);
                return str(out, typecharText(f != null ? f.typechar() : FACTS.createdTypechar[s.view().type()]));
            };
            case "fd.types" -> (e, out) -> {
                SyscallEvent s = ev(e);
                if (!fdEvent(s)) {
                    return false;
                }
                FdTable fds = s.threads().fds(s.thread());
                if (fds == null) {
                    return false;
                }
                Set<String> seen = new LinkedHashSet<>();
                fds.forEach((num, f) -> {
                    seen.add(typeName(f));
                    return true;
                });
                for (String t : seen) {
                    out.addString(t);
                }
                return true;
            };
            case "fd.cip", "fd.cnet" -> fd((s, f, out) -> connected(f) && ip(s, out, f, true));
            case "fd.sip", "fd.snet" -> fd((s, f, out) -> {
                if (f.role() == FdState.Role.NONE) {
                    return false;
                }
                return switch (f.type()) {
                    case IPV4_SOCK, IPV6_SOCK -> ip(s, out, f, false);
                    case IPV4_SERVSOCK, IPV6_SERVSOCK -> ip(s, out, f, true);
                    default -> false;
                };
            });
            case "fd.lip", "fd.lnet" -> fd((s, f, out) -> connected(f) && ip(s, out, f, isLocal(s, f)));
            case "fd.rip", "fd.rnet" -> fd((s, f, out) -> connected(f) && ip(s, out, f, !isLocal(s, f)));
            case "fd.cport" -> fd((s, f, out) -> connected(f) && add(out, f.sport()));
            case "fd.sport" -> fd((s, f, out) -> switch (f.type()) {
                case IPV4_SOCK, IPV6_SOCK -> f.role() != FdState.Role.NONE && add(out, f.dport());
                case IPV4_SERVSOCK, IPV6_SERVSOCK -> add(out, f.sport());
                default -> false;
            });
            case "fd.lport" -> fd((s, f, out) -> connected(f) && add(out, isLocal(s, f) ? f.sport() : f.dport()));
            case "fd.rport" -> fd((s, f, out) -> connected(f) && add(out, isLocal(s, f) ? f.dport() : f.sport()));
            case "fd.ip", "fd.net" -> fd((s, f, out) -> switch (f.type()) {
                case IPV4_SOCK, IPV6_SOCK -> ip(s, out, f, true) && ip(s, out, f, false);
                case IPV4_SERVSOCK, IPV6_SERVSOCK -> ip(s, out, f, true);
                default -> false;
            });
            case "fd.port", "fd.proto" -> fd((s, f, out) -> switch (f.type()) {
                case IPV4_SOCK, IPV6_SOCK -> add(out, f.sport()) && add(out, f.dport());
                case IPV4_SERVSOCK, IPV6_SERVSOCK -> add(out, f.sport());
                default -> false;
            });
            case "fd.cproto", "fd.sproto", "fd.lproto", "fd.rproto" -> {
                String which = field.info().name().substring("fd.".length(), "fd.".length() + 1);
                yield fd((s, f, out) -> {
                    if (!connected(f)) {
                        return false;
                    }
                    boolean clientEnd = switch (which) {
                        case "c" -> true;
                        case "s" -> false;
                        case "l" -> isLocal(s, f);
                        default -> !isLocal(s, f);
                    };
                    return str(out, Integer.toString(clientEnd ? f.sport() : f.dport()));
                });
            }
            case "fd.l4proto" -> fd((s, f, out) -> str(out, f.isInetSocket() ? f.l4protoName() : "<NA>"));
            case "fd.sockfamily" -> fd((s, f, out) -> {
                if (f.isInetSocket()) {
                    return str(out, "ip");
                }
                return f.type() == FdType.UNIX_SOCK && str(out, "unix");
            });
            case "fd.is_server" -> fd((s, f, out) -> switch (f.type()) {
                case IPV4_SERVSOCK, IPV6_SERVSOCK -> add(out, 1);
                case IPV4_SOCK -> add(out, s.isLocalIpv4(f.dip()) ? 1 : 0);
                case IPV6_SOCK -> add(out, s.isLocalIpv6(f.dip6()) ? 1 : 0);
                default -> add(out, 0);
            });
            case "fd.connected" -> fd((s, f, out) -> add(out, f.connected() ? 1 : 0));
            case "fd.name_changed" -> fd((s, f, out) -> add(out, s.fdNameChanged() ? 1 : 0));
            case "fd.is_upper_layer" -> fd((s, f, out) -> add(out, (f.openFlags() & FdState.FD_UPPER_LAYER) != 0
                    ? 1 : 0));
            case "fd.is_lower_layer" -> fd((s, f, out) -> add(out, (f.openFlags() & FdState.FD_LOWER_LAYER) != 0
                    ? 1 : 0));
            case "fd.dev" -> fd((s, f, out) -> add(out, (int) f.dev()));
            case "fd.dev.major" -> fd((s, f, out) -> add(out, (int) ((f.dev() & 0xfff00) >>> 8)));
            case "fd.dev.minor" -> fd((s, f, out) -> add(out, (int) ((f.dev() & 0xff) | ((f.dev() >>> 12) & 0xfff00))));
            case "fd.ino" -> fd((s, f, out) -> add(out, f.ino()));
            // Host names of the ends come from libsinsp's DNS manager, which only knows names it resolved itself
            // while running live with DNS resolution enabled; replaying a capture it knows none (no value), and
            // the compiler's domain comparison is not applied.
            case "fd.cip.name", "fd.sip.name", "fd.lip.name", "fd.rip.name" -> (e, out) -> false;
            default -> null;
        };
    }

    private interface FdRead {
        boolean read(SyscallEvent s, FdState f, Values out);
    }

    private static Extractor fd(FdRead read) {
        return (e, out) -> {
            SyscallEvent s = ev(e);
            if (!fdEvent(s)) {
                return false;
            }
            FdState f = fdOf(s);
            return f != null && read.read(s, f, out);
        };
    }

    /** {@return whether the event is about a descriptor and has a thread (libsinsp extract_fd)} */
    static boolean fdEvent(SyscallEvent s) {
        int c = s.view().type();
        return FACTS.known(c) && FACTS.fdEvent[c] && s.thread() != null;
    }

    static FdState fdOf(SyscallEvent s) {
        FdState f = s.fd();
        if (f == null && s.lastEventFd() != -1) {
            FdTable fds = s.threads().fds(s.thread());
            f = fds == null ? null : fds.get(s.lastEventFd());
        }
        return f;
    }

    private static boolean connected(FdState f) {
        return (f.type() == FdType.IPV4_SOCK || f.type() == FdType.IPV6_SOCK) && f.role() != FdState.Role.NONE;
    }

    private static boolean isLocal(SyscallEvent s, FdState f) {
        return f.type() == FdType.IPV4_SOCK ? s.isLocalIpv4(f.sip()) : s.isLocalIpv6(f.sip6());
    }

    /** Adds the source ({@code source}) or destination address of {@code f}. */
    private static boolean ip(SyscallEvent s, Values out, FdState f, boolean source) {
        if (f.isIpv6()) {
            byte[] a = source ? f.sip6() : f.dip6();
            if (a == null) {
                return false;
            }
            out.addBytes(s.ipv6(a));
        } else {
            out.addBytes(s.ipv4(source ? f.sip() : f.dip()));
        }
        return true;
    }

    private static final String[] TYPECHARS = new String[128];

    static {
        for (int i = 0; i < TYPECHARS.length; i++) {
            TYPECHARS[i] = String.valueOf((char) i);
        }
    }

    static String typecharText(char c) {
        return c < TYPECHARS.length ? TYPECHARS[c] : String.valueOf(c);
    }

    /** {@return libsinsp's {@code get_typestring}} */
    static String typeName(FdState f) {
        return switch (f.type()) {
            case FILE, FILE_V2 -> "file";
            case DIRECTORY -> "directory";
            case IPV4_SOCK, IPV4_SERVSOCK -> "ipv4";
            case IPV6_SOCK, IPV6_SERVSOCK -> "ipv6";
            case UNIX_SOCK -> "unix";
            case FIFO -> "pipe";
            case EVENT -> "event";
            case SIGNALFD -> "signalfd";
            case EVENTPOLL -> "eventpoll";
            case INOTIFY -> "inotify";
            case TIMERFD -> "timerfd";
            case NETLINK -> "netlink";
            case BPF -> "bpf";
            case USERFAULTFD -> "userfaultfd";
            case IOURING -> "io_uring";
            case MEMFD -> "memfd";
            case PIDFD -> "pidfd";
            case UNKNOWN, UNSUPPORTED -> "<NA>";
        };
    }

    private static String directoryOf(String name) {
        int slash = name.lastIndexOf('/');
        if (slash > 0) {
            return slash < name.length() - 1 ? name.substring(0, slash) : name;
        }
        return "/";
    }

    /** libsinsp {@code extract_fdname_from_event}: null when the event gives no name. */
    static String nameFromEvent(SyscallEvent s) {
        EventView v = s.view();
        int c = v.type();
        if (FACTS.enter[c]) {
            return null;
        }
        if (c == FACTS.openX || c == FACTS.accept5X || c == FACTS.accept46X || c == FACTS.creatX
                || c == FACTS.connectX) {
            return v.paramCount() > 1 ? DECODER.render(v, 1, s) : null;
        }
        if (c == FACTS.openatX || c == FACTS.openat2X) {
            if (v.paramCount() < 3 || v.paramLength(2) == 0) {
                return null;
            }
            String name = DECODER.asString(v, 2);
            if (v.paramLength(1) == 0) {
                return null;
            }
            if (name.startsWith("/")) {
                return FsPath.concatenate("", name);
            }
            String joined = s.resolvePath(DECODER.asLong(v, 1), name);
            return joined != null ? joined : name;
        }
        if (c == FACTS.openByHandleAtX) {
            return v.paramCount() > 3 ? DECODER.asString(v, 3) : null;
        }
        return "";
    }
}
