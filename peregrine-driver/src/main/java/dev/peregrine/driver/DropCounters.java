package dev.peregrine.driver;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Events the kernel side of the driver could not deliver because the ring of the producing CPU was full (or the
 * event too large), as counted by the driver since it was opened: per possible CPU, and per event code.
 *
 * <p>Read a snapshot with {@link LiveSource#dropCounters()}; the counters only grow, so two snapshots give the
 * drops between them ({@link #minus}). {@link #byCategory()} groups the codes as Falco's drivers do for the
 * {@code n_drops_buffer_*} fields of the "Falco internal: syscall event drop" alert and the metrics.
 *
 * @param perCpu drops per possible CPU (index = CPU number)
 * @param byEventType drops per event code (index = {@code PPME_*} code; codes past the array had none)
 */
public record DropCounters(long[] perCpu, long[] byEventType) {
    /* Implementation notes: the kernel counts in two per-CPU arrays, "drops" (one key) and "drops_by_type" (one key
     * per event code), both incremented in the same failed-output branch, so total() equals the sum of
     * byEventType except for a read racing a drop. Categories follow libs' modern_bpf compute_event_types_stats
     * (exit events only: this driver emits no enter events except procexit); codes of no category still count in
     * the total, as Falco's n_drops_buffer_total does. */

    /** Falco's {@code n_drops_buffer_*_exit} categories of dropped events. */
    public enum Category {
        CLONE_FORK_EXIT("n_drops_buffer_clone_fork_exit", "PPME_SYSCALL_CLONE_20_X", "PPME_SYSCALL_CLONE3_X",
                "PPME_SYSCALL_FORK_20_X", "PPME_SYSCALL_VFORK_20_X"),
        EXECVE_EXIT("n_drops_buffer_execve_exit", "PPME_SYSCALL_EXECVE_19_X", "PPME_SYSCALL_EXECVEAT_X"),
        CONNECT_EXIT("n_drops_buffer_connect_exit", "PPME_SOCKET_CONNECT_X"),
        OPEN_EXIT("n_drops_buffer_open_exit", "PPME_SYSCALL_OPEN_X", "PPME_SYSCALL_CREAT_X",
                "PPME_SYSCALL_OPENAT_2_X", "PPME_SYSCALL_OPENAT2_X", "PPME_SYSCALL_OPEN_BY_HANDLE_AT_X"),
        DIR_FILE_EXIT("n_drops_buffer_dir_file_exit", "PPME_SYSCALL_DUP_X", "PPME_SYSCALL_CHMOD_X",
                "PPME_SYSCALL_FCHMOD_X", "PPME_SYSCALL_FCHMODAT_X", "PPME_SYSCALL_CHOWN_X", "PPME_SYSCALL_LCHOWN_X",
                "PPME_SYSCALL_FCHOWN_X", "PPME_SYSCALL_FCHOWNAT_X", "PPME_SYSCALL_LINK_2_X",
                "PPME_SYSCALL_LINKAT_2_X", "PPME_SYSCALL_MKDIR_2_X", "PPME_SYSCALL_MKDIRAT_X",
                "PPME_SYSCALL_MOUNT_X", "PPME_SYSCALL_UMOUNT_1_X", "PPME_SYSCALL_UMOUNT2_X", "PPME_SYSCALL_RENAME_X",
                "PPME_SYSCALL_RENAMEAT_X", "PPME_SYSCALL_RENAMEAT2_X", "PPME_SYSCALL_RMDIR_2_X",
                "PPME_SYSCALL_SYMLINK_X", "PPME_SYSCALL_SYMLINKAT_X", "PPME_SYSCALL_UNLINK_2_X",
                "PPME_SYSCALL_UNLINKAT_2_X"),
        OTHER_INTEREST_EXIT("n_drops_buffer_other_interest_exit", "PPME_SYSCALL_BPF_2_X", "PPME_SYSCALL_SETPGID_X",
                "PPME_SYSCALL_PTRACE_X", "PPME_SYSCALL_SECCOMP_X", "PPME_SYSCALL_SETNS_X",
                "PPME_SYSCALL_SETRESGID_X", "PPME_SYSCALL_SETRESUID_X", "PPME_SYSCALL_SETSID_X",
                "PPME_SYSCALL_UNSHARE_X", "PPME_SYSCALL_CAPSET_X", "PPME_SYSCALL_KEYCTL_X"),
        CLOSE_EXIT("n_drops_buffer_close_exit", "PPME_SYSCALL_CLOSE_X"),
        PROC_EXIT("n_drops_buffer_proc_exit", "PPME_PROCEXIT_1_E");

        private final String falcoField;
        private final String[] codeNames;

        Category(String falcoField, String... codeNames) {
            this.falcoField = falcoField;
            this.codeNames = codeNames;
        }

        /** {@return the output field of Falco's drop alert for this category, e.g. n_drops_buffer_open_exit} */
        public String falcoField() {
            return falcoField;
        }
    }

    private static final Map<Integer, Category> CATEGORY_BY_CODE = categoryByCode();

    public DropCounters {
        perCpu = requireNonNull(perCpu, "perCpu is null").clone();
        byEventType = requireNonNull(byEventType, "byEventType is null").clone();
    }

    /** {@return counters with no drop, for {@code cpus} CPUs} */
    public static DropCounters none(int cpus) {
        return new DropCounters(new long[cpus], new long[0]);
    }

    /** {@return all drops, over every CPU} */
    public long total() {
        return Arrays.stream(perCpu).sum();
    }

    /** {@return the drops of Falco's categories (every category present, zero when none)} */
    public Map<Category, Long> byCategory() {
        Map<Category, Long> m = new EnumMap<>(Category.class);
        for (Category c : Category.values()) {
            m.put(c, 0L);
        }
        for (int code = 0; code < byEventType.length; code++) {
            Category c = CATEGORY_BY_CODE.get(code);
            if (c != null && byEventType[code] != 0) {
                m.merge(c, byEventType[code], Long::sum);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** {@return the drops counted since {@code earlier} (a previous snapshot of the same source)} */
    public DropCounters minus(DropCounters earlier) {
        requireNonNull(earlier, "earlier is null");
        return new DropCounters(subtract(perCpu, earlier.perCpu), subtract(byEventType, earlier.byEventType));
    }

    private static long[] subtract(long[] a, long[] b) {
        long[] r = new long[Math.max(a.length, b.length)];
        for (int i = 0; i < r.length; i++) {
            r[i] = (i < a.length ? a[i] : 0) - (i < b.length ? b[i] : 0);
        }
        return r;
    }

    @Override
    public long[] perCpu() {
        return perCpu.clone();
    }

    @Override
    public long[] byEventType() {
        return byEventType.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DropCounters d && Arrays.equals(perCpu, d.perCpu)
                && Arrays.equals(byEventType, d.byEventType);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(perCpu) + Arrays.hashCode(byEventType);
    }

    @Override
    public String toString() {
        return "DropCounters[perCpu=" + Arrays.toString(perCpu) + ", total=" + total() + "]";
    }

    private static Map<Integer, Category> categoryByCode() {
        Map<String, Category> byName = new HashMap<>();
        for (Category c : Category.values()) {
            for (String n : c.codeNames) {
                byName.put(n, c);
            }
        }
        Map<Integer, Category> m = new HashMap<>();
        for (EventTable.EventInfo e : EventTable.get().all()) {
            Category c = byName.get(e.codeName());
            if (c != null) {
                m.put(e.code(), c);
            }
        }
        return Map.copyOf(m);
    }
}
