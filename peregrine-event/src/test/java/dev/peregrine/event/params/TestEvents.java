package dev.peregrine.event.params;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds events in the current wire layout for tests, and the values of single parameters. */
final class TestEvents {
    private TestEvents() {}

    static int code(String codeName) {
        return EventTable.get().all().stream().filter(e -> e.codeName().equals(codeName)).findFirst().orElseThrow()
                .code();
    }

    /** {@return a view over a new event of that code (16-bit parameter lengths)} */
    static EventView event(String codeName, byte[]... params) {
        int type = code(codeName);
        int len = EventView.HEADER_BYTES + params.length * 2;
        for (byte[] p : params) {
            len += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1_000L).putLong(42L).putInt(len).putShort((short) type).putInt(params.length);
        for (byte[] p : params) {
            b.putShort((short) p.length);
        }
        for (byte[] p : params) {
            b.put(p);
        }
        EventView v = EventView.forTable(EventTable.get()).pointAt(MemorySegment.ofArray(b.array()), 0, 0);
        if (v.findMalformation(len) != null) {
            throw new AssertionError(v.findMalformation(len));
        }
        return v;
    }

    static byte[] u8(int v) {
        return new byte[] {(byte) v};
    }

    static byte[] u16(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] str(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] raw(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
