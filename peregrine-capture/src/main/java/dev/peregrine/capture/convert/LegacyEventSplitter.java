package dev.peregrine.capture.convert;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The reverse of {@link EventConverter} for exit-only syscalls: splits an exit event in the current layout into the
 * enter + exit pair of the older layout (for readers with an older event table, such as {@code sysdig} 0.29.3, which
 * take the fd or the size of a {@code read} from its enter event).
 *
 * <p>The split follows libscap's conversion rules backwards: for an exit code whose old layout with {@code k}
 * parameters is completed from the stashed enter event, the exit keeps its first {@code k} parameters and the enter
 * event gets back the parameters the rules took from it. Enter parameters the rules do not carry over are taken from
 * the exit parameter of the same name ({@code ID} of generic syscalls) or get their type's default. The enter event
 * has the exit event's timestamp and thread: the original enter time is not kept by the current layout.
 */
public final class LegacyEventSplitter {
    /*
     * Implementation notes.
     *
     * Plans are computed once per exit code from the rule table: walk ADD_PARAMS rules from each old parameter count k
     * until the current count, recording where each ENTER instruction put its parameter. The largest such k wins
     * (the newest old layout). Only ADD_PARAMS chains on the same code are reversed: CHANGE_TYPE rules map retired
     * codes onto new ones, and which of them an old reader knows is not recorded in the table.
     *
     * Both halves are built in reusable arrays; toLegacy() allocates nothing once they fit the largest event.
     */

    private static final int HEADER = EventView.HEADER_BYTES;

    /**
     * How to split events of one exit code: the exit keeps {@code exitParams} parameters (-1: all), the enter event
     * takes parameter {@code enterSources[j]} of the current exit (-1: a default of {@code defaultBytes[j]} bytes).
     */
    private record Plan(int exitParams, int enterCode, int[] enterSources, int[] defaultBytes, boolean[] idDefault,
            boolean forks, int exitCode) {
    }

    /**
     * Exit codes of {@code dup} variants newer than sysdig 0.29.3's table, which knows only {@code dup(fd)} /
     * {@code dup(res)} for all three syscalls (its driver reported dup2 and dup3 as dup); their events are written
     * as that pair: the enter event carries {@code oldfd}, the exit event {@code res}.
     */
    private static final List<String> NEWER_DUPS = List.of("PPME_SYSCALL_DUP_1_X", "PPME_SYSCALL_DUP2_X",
            "PPME_SYSCALL_DUP3_X");
    /** Index of {@code oldfd} in the current dup, dup2 and dup3 exit events. */
    private static final int DUP_OLDFD = 1;

    /** Syscalls whose exit is seen twice, in the parent and in the child (res 0), after one enter event. */
    private static final Set<String> FORKING = Set.of("clone", "clone3", "fork", "vfork");

    private static final class Holder {
        static final Plan[] STANDARD = plans(EventTable.get(), ConversionTable.load(EventTable.get()));
    }

    private final Plan[] plans;
    private final EventView enter;
    private final EventView exit;
    private final boolean[] large;
    private final int[][] fixedBytes;
    private final boolean[] enterCodes;
    private byte[] enterBuf = new byte[1 << 12];
    private byte[] exitBuf = new byte[1 << 16];
    private MemorySegment enterSeg = MemorySegment.ofArray(enterBuf);
    private MemorySegment exitSeg = MemorySegment.ofArray(exitBuf);

    private LegacyEventSplitter(EventTable table, Plan[] plans) {
        this.plans = plans;
        this.enter = EventView.forTable(table);
        this.exit = EventView.forTable(table);
        this.large = new boolean[table.size()];
        this.fixedBytes = new int[table.size()][];
        this.enterCodes = new boolean[table.size()];
        for (int c = 0; c < large.length; c++) {
            large[c] = table.byCode(c).hasFlag("EF_LARGE_PAYLOAD");
            enterCodes[c] = table.byCode(c).direction() == EventTable.Direction.ENTER;
            List<EventTable.ParamInfo> params = table.byCode(c).params();
            fixedBytes[c] = new int[params.size()];
            for (int i = 0; i < params.size(); i++) {
                fixedBytes[c][i] = ParamTypeSizes.fixedBytes(params.get(i).type());
            }
        }
    }

    /** {@return a splitter for Peregrine's event table and libscap's conversion rules} */
    public static LegacyEventSplitter standard() {
        return new LegacyEventSplitter(EventTable.get(), Holder.STANDARD);
    }

    /** {@return whether exit events of {@code code} in the current layout are split} */
    public boolean splits(int code) {
        return code >= 0 && code < plans.length && plans[code] != null;
    }

    /**
     * Rewrites the event {@code current} points at in the older layout: an exit event of a syscall whose older
     * layout had parameters on the enter event is split into the enter + exit pair; trailing parameters left empty
     * by the conversion (zero-length values of fixed-size types, which older readers read as garbage) are dropped.
     *
     * @return 0 to keep the event as it is, 1 when {@link #exit()} holds the rewritten event, 2 when
     *     {@link #enter()} and then {@link #exit()} hold the older pair
     */
    public int toLegacy(EventView current) {
        requireNonNull(current, "current is null");
        int code = current.type();
        if (code < 0 || code >= plans.length) {
            return 0;
        }
        int all = current.nparams();
        int n = withoutEmptyTail(current, code, all);
        Plan plan = plans[code];
        boolean split = plan != null && (plan.exitParams() < 0 || n > plan.exitParams())
                && !(plan.forks() && all > 0 && current.paramLength(0) == Long.BYTES && current.paramU64(0) == 0);
        if (!split) {
            if (n == all && !hasEmptyFixed(current, code, n)) {
                return 0;
            }
            copyParams(current, n);
            return 1;
        }
        int k = plan.exitParams() < 0 ? n : Math.min(n, plan.exitParams());
        copyParams(current, k);
        if (plan.exitCode() != code) {
            EventConverter.put16(exitBuf, 20, plan.exitCode());
        }
        buildEnter(current, plan, all);
        return 2;
    }

    /**
     * {@return the parameters the older layout had} For enter events: those before the first zero-length value
     * (the conversion fills old enter events with empty parameters). For exit events: all but trailing zero-length
     * values of fixed-size types. A zero-length fixed-size value never comes from a driver: the conversion pushes it
     * for a parameter the older layout did not have, and an older reader takes it as garbage. Exit events are not
     * cut further: sysdig 0.29.3 reads some exit parameters unchecked (an execve exit with fewer than its 20
     * parameters crashes it), so middle ones are filled with zeros instead ({@link #copyParams}).
     */
    private int withoutEmptyTail(EventView e, int code, int n) {
        int[] fixed = fixedBytes[code];
        if (enterCodes[code]) {
            for (int i = 0; i < n; i++) {
                if (e.paramLength(i) == 0) {
                    return i;
                }
            }
            return n;
        }
        while (n > 0 && n <= fixed.length && fixed[n - 1] > 0 && e.paramLength(n - 1) == 0) {
            n--;
        }
        return n;
    }

    /** {@return whether one of the first {@code n} parameters is a zero-length value of a fixed-size type} */
    private boolean hasEmptyFixed(EventView e, int code, int n) {
        int[] fixed = fixedBytes[code];
        for (int i = 0; i < n && i < fixed.length; i++) {
            if (fixed[i] > 0 && e.paramLength(i) == 0) {
                return true;
            }
        }
        return false;
    }

    /** Copies the header and the first {@code k} parameters of {@code current} into the exit buffer. */
    private void copyParams(EventView current, int k) {
        int code = current.type();
        int lb = large[code] ? Integer.BYTES : Short.BYTES;
        int[] fixed = fixedBytes[code];
        long values = 0;
        for (int i = 0; i < k; i++) {
            values += filled(current, fixed, i);
        }
        int len = (int) (HEADER + (long) k * lb + values);
        if (exitBuf.length < len) {
            exitBuf = new byte[Math.max(len, exitBuf.length * 2)];
            exitSeg = MemorySegment.ofArray(exitBuf);
        }
        MemorySegment.copy(current.segment(), current.offset(), exitSeg, 0, HEADER);
        EventConverter.put32(exitBuf, 16, len);
        EventConverter.put32(exitBuf, 22, k);
        int at = HEADER + k * lb;
        for (int i = 0; i < k; i++) {
            int l = current.paramLength(i);
            int f = filled(current, fixed, i);
            putLength(exitBuf, i, lb, f);
            if (f != l) {
                Arrays.fill(exitBuf, at, at + f, (byte) 0);
            } else {
                MemorySegment.copy(current.segment(), current.paramOffset(i), exitSeg, at, l);
            }
            at += f;
        }
        exit.pointAt(exitSeg, 0, current.cpu());
    }

    /** {@return the length parameter {@code i} gets: its own, or the type's size (zeros) for an empty fixed one} */
    private static int filled(EventView e, int[] fixed, int i) {
        int l = e.paramLength(i);
        return l == 0 && i < fixed.length && fixed[i] > 0 ? fixed[i] : l;
    }

    /** Builds the enter event of {@code plan} from the parameters of {@code current} (which has {@code n}). */
    private void buildEnter(EventView current, Plan plan, int n) {
        int[] sources = plan.enterSources();
        int enterCode = plan.enterCode();
        int elb = large[enterCode] ? Integer.BYTES : Short.BYTES;
        int count = sources.length;
        // an enter parameter the conversion left empty ends the enter event, as in withoutEmptyTail
        for (int j = 0; j < count; j++) {
            if (sources[j] >= 0 && sources[j] < n && current.paramLength(sources[j]) == 0) {
                count = j;
                break;
            }
        }
        long values = 0;
        for (int j = 0; j < count; j++) {
            values += sources[j] >= 0 && sources[j] < n ? current.paramLength(sources[j]) : plan.defaultBytes()[j];
        }
        int len = (int) (HEADER + (long) count * elb + values);
        if (enterBuf.length < len) {
            enterBuf = new byte[Math.max(len, enterBuf.length * 2)];
            enterSeg = MemorySegment.ofArray(enterBuf);
        }
        MemorySegment.copy(current.segment(), current.offset(), enterSeg, 0, HEADER);
        EventConverter.put32(enterBuf, 16, len);
        EventConverter.put16(enterBuf, 20, enterCode);
        EventConverter.put32(enterBuf, 22, count);
        int at = HEADER + count * elb;
        for (int j = 0; j < count; j++) {
            if (sources[j] >= 0 && sources[j] < n) {
                int l = current.paramLength(sources[j]);
                putLength(enterBuf, j, elb, l);
                MemorySegment.copy(current.segment(), current.paramOffset(sources[j]), enterSeg, at, l);
                at += l;
            } else {
                int l = plan.defaultBytes()[j];
                byte fill = plan.idDefault()[j] ? (byte) 0xFF : 0;
                Arrays.fill(enterBuf, at, at + l, fill);
                putLength(enterBuf, j, elb, l);
                at += l;
            }
        }
        enter.pointAt(enterSeg, 0, current.cpu());
    }

    /** {@return the enter half of the last split, valid until the next call} */
    public EventView enter() {
        return enter;
    }

    /** {@return the exit half of the last split, valid until the next call} */
    public EventView exit() {
        return exit;
    }

    private static void putLength(byte[] b, int i, int lenBytes, int v) {
        if (lenBytes == Integer.BYTES) {
            EventConverter.put32(b, HEADER + 4 * i, v);
        } else {
            EventConverter.put16(b, HEADER + 2 * i, v);
        }
    }

    private static Plan[] plans(EventTable table, ConversionTable rules) {
        Plan[] plans = new Plan[table.size()];
        for (int code = 1; code < table.size(); code++) {
            EventTable.EventInfo info = table.byCode(code);
            if (info.direction() != EventTable.Direction.EXIT || info.hasFlag("EF_OLD_VERSION")) {
                continue;
            }
            int enterCode = code - 1;
            int enterParams = -1;
            for (int m = 0; m < ConversionTable.COUNTS_PER_CODE; m++) {
                ConversionTable.Rule r = rules.rule(enterCode, m);
                if (r != null && r.action() == ConversionTable.Action.STORE) {
                    enterParams = m;
                }
            }
            EventTable.EventInfo enterInfo = table.byCode(enterCode);
            if (enterParams < 0 && enterInfo.hasFlag("EF_OLD_VERSION") && !enterInfo.hasFlag("EF_CONVERTER_MANAGED")
                    && enterInfo.direction() == EventTable.Direction.ENTER) {
                // dropped as an old enter event without a rule: rebuilt from same-named exit parameters
                int[] none = new int[enterInfo.params().size()];
                Arrays.fill(none, -1);
                plans[code] = plan(table, code, enterCode, -1, none);
                continue;
            }
            if (enterParams < 0) {
                continue;
            }
            int n = info.params().size();
            if (enterParams == 0) {
                // an enter event without parameters: dropped by the conversion, rebuilt empty before the exit
                plans[code] = plan(table, code, enterCode, -1, new int[0]);
                continue;
            }
            for (int k = n - 1; k >= 0; k--) {
                int[] sources = chain(rules, code, k, n, enterParams);
                if (sources != null) {
                    plans[code] = plan(table, code, enterCode, k, sources);
                    break;
                }
            }
        }
        int dupE = -1;
        int dupX = -1;
        for (int code = 0; code < table.size(); code++) {
            String name = table.byCode(code).codeName();
            if (name.equals("PPME_SYSCALL_DUP_E")) {
                dupE = code;
            } else if (name.equals("PPME_SYSCALL_DUP_X")) {
                dupX = code;
            }
        }
        for (int code = 0; code < table.size() && dupE >= 0 && dupX >= 0; code++) {
            if (NEWER_DUPS.contains(table.byCode(code).codeName())) {
                plans[code] = new Plan(1, dupE, new int[] {DUP_OLDFD}, new int[] {Long.BYTES}, new boolean[1], false,
                        dupX);
            }
        }
        return plans;
    }

    /** {@return where each enter parameter lands when the ADD_PARAMS rules grow {@code code} from k to n, or null} */
    private static int[] chain(ConversionTable rules, int code, int k, int n, int enterParams) {
        int[] sources = new int[enterParams];
        Arrays.fill(sources, -1);
        boolean fromEnter = false;
        int pos = k;
        while (pos < n) {
            ConversionTable.Rule r = rules.rule(code, pos);
            if (r == null || r.action() != ConversionTable.Action.ADD_PARAMS) {
                return null;
            }
            ConversionTable.Instruction[] ins = r.instructions();
            for (int i = 0; i < ins.length; i++) {
                if (ins[i].source() == ConversionTable.Source.ENTER && ins[i].param() < enterParams) {
                    sources[ins[i].param()] = pos + i;
                    fromEnter = true;
                }
            }
            pos += ins.length;
        }
        return pos == n && fromEnter ? sources : null;
    }

    private static Plan plan(EventTable table, int code, int enterCode, int k, int[] sources) {
        List<EventTable.ParamInfo> enterInfo = table.byCode(enterCode).params();
        List<EventTable.ParamInfo> exitInfo = table.byCode(code).params();
        int[] defaults = new int[sources.length];
        boolean[] ids = new boolean[sources.length];
        for (int j = 0; j < sources.length; j++) {
            if (sources[j] >= 0 || j >= enterInfo.size()) {
                continue;
            }
            String name = enterInfo.get(j).name();
            for (int i = 0; i < exitInfo.size(); i++) {
                if (exitInfo.get(i).name().equals(name)) {
                    sources[j] = i;
                    break;
                }
            }
            String type = enterInfo.get(j).type();
            defaults[j] = Math.max(ParamTypeSizes.fixedBytes(type), 0);
            ids[j] = type.equals("PT_UID") || type.equals("PT_GID");
        }
        return new Plan(k, enterCode, sources, defaults, ids, FORKING.contains(table.byCode(code).name()), code);
    }
}
