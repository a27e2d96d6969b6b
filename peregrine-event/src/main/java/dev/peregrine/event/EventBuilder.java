package dev.peregrine.event;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds events in the current wire layout (the .scap event header, u16 parameter lengths, raw parameters) from
 * values, for tests, benchmarks and synthetic captures: {@code EventBuilder.of("PPME_SYSCALL_OPEN_X", ts,
 * tid).i64(3).str("/etc/passwd")...view()}. Not for the hot path: it allocates per parameter. Parameters not given are left out (the event has fewer parameters); use
 * {@link #empty()} for an explicitly empty one.
 */
public final class EventBuilder {
    private static final EventTable TABLE = EventTable.get();

    private final int code;
    private final long ts;
    private final long tid;
    private final List<byte[]> params = new ArrayList<>();

    private EventBuilder(int code, long ts, long tid) {
        this.code = code;
        this.ts = ts;
        this.tid = tid;
    }

    public static EventBuilder of(String codeName, long ts, long tid) {
        for (EventTable.EventInfo e : TABLE.all()) {
            if (e.codeName().equals(codeName)) {
                return new EventBuilder(e.code(), ts, tid);
            }
        }
        throw new IllegalArgumentException("no event " + codeName);
    }

    public EventBuilder i64(long v) {
        params.add(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        return this;
    }

    public EventBuilder u64(long v) {
        return i64(v);
    }

    public EventBuilder u32(long v) {
        params.add(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        return this;
    }

    public EventBuilder u16(int v) {
        params.add(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
        return this;
    }

    public EventBuilder u8(int v) {
        params.add(new byte[] {(byte) v});
        return this;
    }

    public EventBuilder str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        params.add(z);
        return this;
    }

    /** NUL-separated list (args, env, cgroups), each entry NUL-terminated. */
    public EventBuilder strs(String... items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : items) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        params.add(out.toByteArray());
        return this;
    }

    public EventBuilder empty() {
        params.add(new byte[0]);
        return this;
    }

    public EventBuilder bytes(byte[] b) {
        params.add(b.clone());
        return this;
    }

    /** An IPv4 socket tuple: family, sip, sport, dip, dport (ports little-endian as the driver writes them). */
    public EventBuilder tuple4(String sip, int sport, String dip, int dport) {
        ByteBuffer b = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 2).put(ip4(sip)).putShort((short) sport).put(ip4(dip)).putShort((short) dport);
        params.add(b.array());
        return this;
    }

    /** An IPv4 sockaddr: family, ip, port. */
    public EventBuilder addr4(String ip, int port) {
        ByteBuffer b = ByteBuffer.allocate(7).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 2).put(ip4(ip)).putShort((short) port);
        params.add(b.array());
        return this;
    }

    /** A unix socket tuple: family, source, dest, path. */
    public EventBuilder tupleUnix(long source, long dest, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(17 + p.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).putLong(source).putLong(dest).put(p).put((byte) 0);
        params.add(b.array());
        return this;
    }

    private static byte[] ip4(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    /** {@return the encoded event} */
    public byte[] bytes() {
        boolean large = TABLE.byCode(code).hasFlag("EF_LARGE_PAYLOAD");
        int lenBytes = large ? 4 : 2;
        int total = EventView.HEADER_BYTES + params.size() * lenBytes;
        for (byte[] p : params) {
            total += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ts).putLong(tid).putInt(total).putShort((short) code).putInt(params.size());
        for (byte[] p : params) {
            if (large) {
                b.putInt(p.length);
            } else {
                b.putShort((short) p.length);
            }
        }
        for (byte[] p : params) {
            b.put(p);
        }
        return b.array();
    }

    /** {@return a view over the encoded event} */
    public EventView view() {
        return EventView.forTable(TABLE).pointAt(MemorySegment.ofArray(bytes()), 0, 0);
    }
}
