package dev.peregrine.benchmarks.load;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.fields.Extractor;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldType;
import dev.peregrine.rules.fields.ResolvedField;
import dev.peregrine.rules.fields.Values;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic syscall events for measuring rule evaluation before real extraction exists: every field a ruleset binds
 * gets a column, and each event holds one precomputed value per column, drawn from small realistic pools (shell
 * names, sensitive paths, container ids, ports). Extraction is then an array read plus a copy into {@link Values},
 * close to what a state-table lookup costs, so the figure measures the compiled conditions and the index.
 *
 * <p>Bind first (load the rules with {@link #binding()}), then {@link #generate} the events: the columns are only
 * known after every condition and output was compiled.
 */
public final class SyntheticEvents {
    /** One event: its code and a value per bound column ({@code null} = field not available). */
    public record Event(int code, Object[] columns) {
    }

    private static final String[] PROC_NAMES = {"bash", "sh", "cat", "nginx", "java", "sshd", "python3", "node",
        "curl", "ls", "sudo", "runc", "containerd", "kubelet", "mvn", "git", "apt", "dpkg", "systemd", "nc"};
    private static final String[] PATHS = {"/etc/shadow", "/etc/passwd", "/tmp/x", "/dev/null", "/usr/bin/ls",
        "/var/log/syslog", "/root/.ssh/authorized_keys", "/proc/self/maps", "/home/user/.bashrc", "/bin/sh",
        "/etc/ld.so.preload", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/var/run/docker.sock", "/etc/sudoers"};
    private static final String[] EVENT_TYPES = {"execve", "openat", "open", "connect", "read", "write", "close",
        "accept", "chmod", "unlinkat", "renameat2", "setuid", "clone", "mmap", "sendto", "ptrace", "bind", "dup2"};

    private final Map<String, Integer> columnByField = new HashMap<>();
    private final List<ResolvedField> columns = new ArrayList<>();

    /** {@return a binding that gives every field a column of the events this object generates} */
    public ExtractorBinding binding() {
        return field -> {
            int column = columnByField.computeIfAbsent(field.text(), k -> {
                columns.add(field);
                return columns.size() - 1;
            });
            return extractor(column, field.info().type(), field.info().isList());
        };
    }

    private static Extractor extractor(int column, FieldType type, boolean list) {
        if (list) {
            return (event, out) -> {
                Object v = ((Event) event).columns[column];
                if (v == null) {
                    return false;
                }
                for (String s : (String[]) v) {
                    out.addString(s);
                }
                return true;
            };
        }
        if (type.isString()) {
            return (event, out) -> {
                Object v = ((Event) event).columns[column];
                if (v == null) {
                    return false;
                }
                out.addString((String) v);
                return true;
            };
        }
        if (type.isNumeric() || type == FieldType.BOOL) {
            return (event, out) -> {
                Object v = ((Event) event).columns[column];
                if (v == null) {
                    return false;
                }
                out.addLong((Long) v);
                return true;
            };
        }
        return (event, out) -> {
            Object v = ((Event) event).columns[column];
            if (v == null) {
                return false;
            }
            out.addBytes((byte[]) v);
            return true;
        };
    }

    /** {@return {@code count} events over the bound columns, reproducible for a seed} */
    public List<Event> generate(int count, long seed, EventTable table) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String type = EVENT_TYPES[random.nextInt(EVENT_TYPES.length)];
            int[] codes = table.codesForTypeName(type);
            int code = codes[codes.length - 1];
            Object[] values = new Object[columns.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = value(columns.get(c), type, random);
            }
            events.add(new Event(code, values));
        }
        return events;
    }

    private static Object value(ResolvedField field, String evtType, Random random) {
        if (random.nextInt(20) == 0) {
            return null;
        }
        String name = field.info().name();
        FieldType type = field.info().type();
        if (field.info().isList()) {
            return new String[] {pick(PROC_NAMES, random), pick(PATHS, random)};
        }
        if (name.equals("evt.type")) {
            return evtType;
        }
        if (name.equals("evt.dir")) {
            return "<";
        }
        if (type.isString()) {
            if (name.contains("name") && name.startsWith("proc") || name.startsWith("proc.a")) {
                return pick(PROC_NAMES, random);
            }
            if (name.startsWith("fd.") || name.startsWith("fs.") || name.contains("exe") || name.contains("cwd")) {
                return pick(PATHS, random);
            }
            if (name.startsWith("container.id")) {
                return random.nextInt(4) == 0 ? "host" : Long.toHexString(random.nextLong() & 0xffffffffffffL);
            }
            if (name.contains("cmdline") || name.contains("args")) {
                return pick(PROC_NAMES, random) + " -c " + pick(PATHS, random);
            }
            return pick(PROC_NAMES, random);
        }
        if (type == FieldType.BOOL) {
            return (long) random.nextInt(2);
        }
        if (type.isNumeric()) {
            return switch (type) {
                case PORT -> (long) new int[] {22, 80, 443, 8080, 53, 6443, 31337}[random.nextInt(7)];
                case UID, GID -> (long) (random.nextBoolean() ? 0 : 1000);
                default -> (long) random.nextInt(4096);
            };
        }
        byte[] ip = new byte[4];
        ip[0] = (byte) (random.nextBoolean() ? 10 : 127);
        ip[3] = (byte) random.nextInt(256);
        return ip;
    }

    private static String pick(String[] pool, Random random) {
        return pool[random.nextInt(pool.length)];
    }
}
