package dev.peregrine.capture;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One entry of a process list: a thread as the capture (or /proc) saw it before the first event.
 *
 * <p>Older capture formats carry fewer fields; the missing ones hold the defaults libscap uses (documented per
 * component), so consumers need not know the format version. Build instances with {@link #builder()}.
 *
 * @param tid thread id
 * @param pid process id (thread group leader)
 * @param ptid parent thread id
 * @param sid session id; -1 when the capture does not carry it
 * @param vpgid process group id in the pid namespace; -1 when absent
 * @param pgid process group id; -1 when absent
 * @param comm command name
 * @param exe first command line argument (argv[0])
 * @param exepath full path of the executable; empty when absent
 * @param args command line arguments after argv[0]
 * @param env environment entries NAME=value
 * @param cwd current working directory
 * @param fdlimit maximum number of file descriptors
 * @param flags PPM_CL_* thread flags
 * @param uid user id (unsigned 32-bit)
 * @param gid group id (unsigned 32-bit)
 * @param vmsizeKb virtual memory size in KiB
 * @param vmrssKb resident set size in KiB
 * @param vmswapKb swapped memory in KiB
 * @param pfmajor major page faults
 * @param pfminor minor page faults
 * @param vtid thread id in its pid namespace; -1 when absent
 * @param vpid process id in its pid namespace; -1 when absent
 * @param cgroups cgroup memberships as subsys=path
 * @param root root directory; empty when absent
 * @param pidnsInitStartTs start time of the pid namespace's init, ns; 0 when absent
 * @param tty controlling terminal device number; 0 when none or absent
 * @param loginuid audit login uid (unsigned 32-bit); 4294967295 when unset or absent
 * @param exeWritable whether the executable is writable by the process' user
 * @param capInheritable inheritable capabilities bit set
 * @param capPermitted permitted capabilities bit set
 * @param capEffective effective capabilities bit set
 * @param exeUpperLayer whether the executable lives in the upper layer of an overlay file system
 * @param exeIno inode number of the executable; 0 when absent
 * @param exeInoCtime ctime of the executable's inode, ns; 0 when absent
 * @param exeInoMtime mtime of the executable's inode, ns; 0 when absent
 * @param exeFromMemfd whether the executable is a memfd
 * @param exeLowerLayer whether the executable lives in the lower layer of an overlay file system
 */
public record ThreadInfo(
        long tid,
        long pid,
        long ptid,
        long sid,
        long vpgid,
        long pgid,
        String comm,
        String exe,
        String exepath,
        List<String> args,
        List<String> env,
        String cwd,
        long fdlimit,
        int flags,
        long uid,
        long gid,
        long vmsizeKb,
        long vmrssKb,
        long vmswapKb,
        long pfmajor,
        long pfminor,
        long vtid,
        long vpid,
        List<String> cgroups,
        String root,
        long pidnsInitStartTs,
        long tty,
        long loginuid,
        boolean exeWritable,
        long capInheritable,
        long capPermitted,
        long capEffective,
        boolean exeUpperLayer,
        long exeIno,
        long exeInoCtime,
        long exeInoMtime,
        boolean exeFromMemfd,
        boolean exeLowerLayer) {
    /** The loginuid of a thread that never logged in: (uint32_t) -1. */
    public static final long UNSET_LOGINUID = 0xFFFF_FFFFL;

    public ThreadInfo {
        requireNonNull(comm, "comm is null");
        requireNonNull(exe, "exe is null");
        requireNonNull(exepath, "exepath is null");
        args = List.copyOf(args);
        env = List.copyOf(env);
        requireNonNull(cwd, "cwd is null");
        cgroups = List.copyOf(cgroups);
        requireNonNull(root, "root is null");
    }

    /** {@return a builder holding the defaults of a field-less entry} */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the fields of a {@link ThreadInfo} as a decoder reads them. */
    public static final class Builder {
        private long tid = 0;
        private long pid = 0;
        private long ptid = 0;
        private long sid = -1;
        private long vpgid = -1;
        private long pgid = -1;
        private String comm = "";
        private String exe = "";
        private String exepath = "";
        private List<String> args = List.of();
        private List<String> env = List.of();
        private String cwd = "";
        private long fdlimit = 0;
        private int flags = 0;
        private long uid = 0;
        private long gid = 0;
        private long vmsizeKb = 0;
        private long vmrssKb = 0;
        private long vmswapKb = 0;
        private long pfmajor = 0;
        private long pfminor = 0;
        private long vtid = -1;
        private long vpid = -1;
        private List<String> cgroups = List.of();
        private String root = "";
        private long pidnsInitStartTs = 0;
        private long tty = 0;
        private long loginuid = UNSET_LOGINUID;
        private boolean exeWritable = false;
        private long capInheritable = 0;
        private long capPermitted = 0;
        private long capEffective = 0;
        private boolean exeUpperLayer = false;
        private long exeIno = 0;
        private long exeInoCtime = 0;
        private long exeInoMtime = 0;
        private boolean exeFromMemfd = false;
        private boolean exeLowerLayer = false;

        private Builder() {
        }

        /** Sets {@link ThreadInfo#tid()}. */
        public Builder tid(long value) {
            this.tid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#pid()}. */
        public Builder pid(long value) {
            this.pid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#ptid()}. */
        public Builder ptid(long value) {
            this.ptid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#sid()}. */
        public Builder sid(long value) {
            this.sid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#vpgid()}. */
        public Builder vpgid(long value) {
            this.vpgid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#pgid()}. */
        public Builder pgid(long value) {
            this.pgid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#comm()}. */
        public Builder comm(String value) {
            this.comm = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exe()}. */
        public Builder exe(String value) {
            this.exe = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exepath()}. */
        public Builder exepath(String value) {
            this.exepath = value;
            return this;
        }

        /** Sets {@link ThreadInfo#args()}. */
        public Builder args(List<String> value) {
            this.args = value;
            return this;
        }

        /** Sets {@link ThreadInfo#env()}. */
        public Builder env(List<String> value) {
            this.env = value;
            return this;
        }

        /** Sets {@link ThreadInfo#cwd()}. */
        public Builder cwd(String value) {
            this.cwd = value;
            return this;
        }

        /** Sets {@link ThreadInfo#fdlimit()}. */
        public Builder fdlimit(long value) {
            this.fdlimit = value;
            return this;
        }

        /** Sets {@link ThreadInfo#flags()}. */
        public Builder flags(int value) {
            this.flags = value;
            return this;
        }

        /** Sets {@link ThreadInfo#uid()}. */
        public Builder uid(long value) {
            this.uid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#gid()}. */
        public Builder gid(long value) {
            this.gid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#vmsizeKb()}. */
        public Builder vmsizeKb(long value) {
            this.vmsizeKb = value;
            return this;
        }

        /** Sets {@link ThreadInfo#vmrssKb()}. */
        public Builder vmrssKb(long value) {
            this.vmrssKb = value;
            return this;
        }

        /** Sets {@link ThreadInfo#vmswapKb()}. */
        public Builder vmswapKb(long value) {
            this.vmswapKb = value;
            return this;
        }

        /** Sets {@link ThreadInfo#pfmajor()}. */
        public Builder pfmajor(long value) {
            this.pfmajor = value;
            return this;
        }

        /** Sets {@link ThreadInfo#pfminor()}. */
        public Builder pfminor(long value) {
            this.pfminor = value;
            return this;
        }

        /** Sets {@link ThreadInfo#vtid()}. */
        public Builder vtid(long value) {
            this.vtid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#vpid()}. */
        public Builder vpid(long value) {
            this.vpid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#cgroups()}. */
        public Builder cgroups(List<String> value) {
            this.cgroups = value;
            return this;
        }

        /** Sets {@link ThreadInfo#root()}. */
        public Builder root(String value) {
            this.root = value;
            return this;
        }

        /** Sets {@link ThreadInfo#pidnsInitStartTs()}. */
        public Builder pidnsInitStartTs(long value) {
            this.pidnsInitStartTs = value;
            return this;
        }

        /** Sets {@link ThreadInfo#tty()}. */
        public Builder tty(long value) {
            this.tty = value;
            return this;
        }

        /** Sets {@link ThreadInfo#loginuid()}. */
        public Builder loginuid(long value) {
            this.loginuid = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exeWritable()}. */
        public Builder exeWritable(boolean value) {
            this.exeWritable = value;
            return this;
        }

        /** Sets {@link ThreadInfo#capInheritable()}. */
        public Builder capInheritable(long value) {
            this.capInheritable = value;
            return this;
        }

        /** Sets {@link ThreadInfo#capPermitted()}. */
        public Builder capPermitted(long value) {
            this.capPermitted = value;
            return this;
        }

        /** Sets {@link ThreadInfo#capEffective()}. */
        public Builder capEffective(long value) {
            this.capEffective = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exeUpperLayer()}. */
        public Builder exeUpperLayer(boolean value) {
            this.exeUpperLayer = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exeIno()}. */
        public Builder exeIno(long value) {
            this.exeIno = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exeInoCtime()}. */
        public Builder exeInoCtime(long value) {
            this.exeInoCtime = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exeInoMtime()}. */
        public Builder exeInoMtime(long value) {
            this.exeInoMtime = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exeFromMemfd()}. */
        public Builder exeFromMemfd(boolean value) {
            this.exeFromMemfd = value;
            return this;
        }

        /** Sets {@link ThreadInfo#exeLowerLayer()}. */
        public Builder exeLowerLayer(boolean value) {
            this.exeLowerLayer = value;
            return this;
        }

        /** {@return the entry} */
        public ThreadInfo build() {
            return new ThreadInfo(
                    tid,
                    pid,
                    ptid,
                    sid,
                    vpgid,
                    pgid,
                    comm,
                    exe,
                    exepath,
                    args,
                    env,
                    cwd,
                    fdlimit,
                    flags,
                    uid,
                    gid,
                    vmsizeKb,
                    vmrssKb,
                    vmswapKb,
                    pfmajor,
                    pfminor,
                    vtid,
                    vpid,
                    cgroups,
                    root,
                    pidnsInitStartTs,
                    tty,
                    loginuid,
                    exeWritable,
                    capInheritable,
                    capPermitted,
                    capEffective,
                    exeUpperLayer,
                    exeIno,
                    exeInoCtime,
                    exeInoMtime,
                    exeFromMemfd,
                    exeLowerLayer);
        }
    }
}
