package dev.peregrine.capture.convert;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.util.List;

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
     * Both halves are built in reusable arrays; split() allocates nothing once they fit the largest event.
     */

    private static final int HEADER = EventView.HEADER_BYTES;

    /**
     * How to split events of one exit code: the exit keeps {@code exitParams} parameters (-1: all), the enter event
     * takes parameter {@code enterSources[j]} of the current exit (-1: a default of {@code defaultBytes[j]} bytes).
     */
    private record Plan(int exitParams, int enterCode, int[] enterSources, int[] defaultBytes, boolean[] idDefault,
            boolean forks) {
    }

    /** Syscalls whose exit is seen twice, in the parent and in the child (res 0), after one enter event. */
    private static final java.util.Set<String> FORKING = java.util.Set.of("clone", "clone3", "fork", "vfork");

    private static final class Holder {
        static final Plan[] STANDARD = plans(EventTable.get(), ConversionTable.load(EventTable.get()));
    }

    private final Plan[] plans;
    private final EventView enter;
    private final EventView exit;
    private final boolean[] large;
    private byte[] enterBuf = new byte[1 << 12];
    private byte[] exitBuf = new byte[1 << 16];

    private LegacyEventSplitter(EventTable table, Plan[] plans) {
        this.plans = plans;
        this.enter = EventView.forTable(table);
        this.exit = EventView.forTable(table);
        this.large = new boolean[table.size()];
        for (int c = 0; c < large.length; c++) {
            large[c] = table.byCode(c).hasFlag("EF_LARGE_PAYLOAD");
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
     * Splits the event {@code current} points at when it is an exit event in the current layout of a syscall whose
     * older layout had the parameters on the enter event.
     *
     * @return true when {@link #enter()} and {@link #exit()} now hold the older pair; false to keep the event
     */
    public boolean split(EventView current) {
        requireNonNull(current, "current is null");
        int code = current.type();
        if (!splits(code)) {
            return false;
        }
        Plan plan = plans[code];
        int n = current.nparams();
        if (plan.exitParams() >= 0 && n <= plan.exitParams()) {
            return false;
        }
        if (plan.forks() && n > 0 && current.paramLength(0) == Long.BYTES && current.paramU64(0) == 0) {
            // the child's half of a fork: its parent's exit carries the enter event
            return false;
        }
        boolean largeExit = large[code];
        int lb = largeExit ? Integer.BYTES : Short.BYTES;
        // exit: the first k parameters (all of them for a whole exit)
        int k = plan.exitParams() < 0 ? n : plan.exitParams();
        long exitValues = 0;
        for (int i = 0; i < k; i++) {
            exitValues += current.paramLength(i);
        }
        int exitLen = (int) (HEADER + (long) k * lb + exitValues);
        if (exitBuf.length < exitLen) {
            exitBuf = new byte[Math.max(exitLen, exitBuf.length * 2)];
        }
        MemorySegment exitSeg = MemorySegment.ofArray(exitBuf);
        MemorySegment.copy(current.segment(), current.offset(), exitSeg, 0, HEADER);
        EventConverter.put32(exitBuf, 16, exitLen);
        EventConverter.put32(exitBuf, 22, k);
        int at = HEADER + k * lb;
        for (int i = 0; i < k; i++) {
            int len = current.paramLength(i);
            putLength(exitBuf, i, lb, len);
            MemorySegment.copy(current.segment(), current.paramOffset(i), exitSeg, at, len);
            at += len;
        }
        // enter: parameters from the exit event or defaults
        int[] sources = plan.enterSources();
        int elb = large[plan.enterCode()] ? Integer.BYTES : Short.BYTES;
        long enterValues = 0;
        for (int j = 0; j < sources.length; j++) {
            enterValues += sources[j] >= 0 && sources[j] < n ? current.paramLength(sources[j])
                    : plan.defaultBytes()[j];
        }
        int enterLen = (int) (HEADER + (long) sources.length * elb + enterValues);
        if (enterBuf.length < enterLen) {
            enterBuf = new byte[Math.max(enterLen, enterBuf.length * 2)];
        }
        MemorySegment enterSeg = MemorySegment.ofArray(enterBuf);
        MemorySegment.copy(current.segment(), current.offset(), enterSeg, 0, HEADER);
        EventConverter.put32(enterBuf, 16, enterLen);
        EventConverter.put16(enterBuf, 20, plan.enterCode());
        EventConverter.put32(enterBuf, 22, sources.length);
        at = HEADER + sources.length * elb;
        for (int j = 0; j < sources.length; j++) {
            if (sources[j] >= 0 && sources[j] < n) {
                int len = current.paramLength(sources[j]);
                putLength(enterBuf, j, elb, len);
                MemorySegment.copy(current.segment(), current.paramOffset(sources[j]), enterSeg, at, len);
                at += len;
            } else {
                int len = plan.defaultBytes()[j];
                byte fill = plan.idDefault()[j] ? (byte) 0xFF : 0;
                for (int b = 0; b < len; b++) {
                    enterBuf[at + b] = fill;
                }
                putLength(enterBuf, j, elb, len);
                at += len;
            }
        }
        enter.pointAt(enterSeg, 0, current.cpu());
        exit.pointAt(exitSeg, 0, current.cpu());
        return true;
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
                java.util.Arrays.fill(none, -1);
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
        return plans;
    }

    /** {@return where each enter parameter lands when the ADD_PARAMS rules grow {@code code} from k to n, or null} */
    private static int[] chain(ConversionTable rules, int code, int k, int n, int enterParams) {
        int[] sources = new int[enterParams];
        java.util.Arrays.fill(sources, -1);
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
        return new Plan(k, enterCode, sources, defaults, ids, FORKING.contains(table.byCode(code).name()));
    }
}
