package dev.peregrine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventViewTest {
    private static final int LARGE_TYPE = 322;

    /** Builds one event in the current layout; lengths are u32 when {@code large}. */
    static byte[] event(long ts, long tid, int type, boolean large, byte[]... params) {
        int lenBytes = large ? 4 : 2;
        int len = EventView.HEADER_BYTES + params.length * lenBytes;
        for (byte[] p : params) {
            len += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ts).putLong(tid).putInt(len).putShort((short) type).putInt(params.length);
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

    private static byte[] utf8(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static EventView view() {
        return new EventView(code -> code == LARGE_TYPE);
    }

    @Test
    void pointAt_wellFormedEvent_decodesHeaderAndParams() {
        byte[] e = event(1_000L, 42L, 3, false, new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, utf8("/etc/passwd"),
                new byte[] {1, 2, 3, 4});
        EventView v = view().pointAt(MemorySegment.ofArray(e), 0, 5);

        assertThat(v.findMalformation(e.length)).isNull();
        assertThat(v.ts()).isEqualTo(1_000L);
        assertThat(v.tid()).isEqualTo(42L);
        assertThat(v.type()).isEqualTo(3);
        assertThat(v.nparams()).isEqualTo(3);
        assertThat(v.len()).isEqualTo(e.length);
        assertThat(v.cpu()).isEqualTo(5);
        assertThat(v.paramLength(1)).isEqualTo(12);
        assertThat(v.paramOffset(0)).isEqualTo(EventView.HEADER_BYTES + 6);
        assertThat(v.paramU64(0)).isEqualTo(7L);
        assertThat(v.paramU32(2)).isEqualTo(0x04030201);
        assertThat(v.paramU16(2)).isEqualTo(0x0201);
        assertThat(v.paramU8(2)).isEqualTo(1);
    }

    @Test
    void pointAt_secondEventAtOffset_repointsWithoutStaleOffsets() {
        byte[] a = event(1, 1, 3, false, new byte[10], new byte[2]);
        byte[] b = event(2, 2, 4, false, new byte[1], new byte[5], new byte[3]);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        EventView v = view();
        MemorySegment s = MemorySegment.ofArray(both);

        v.pointAt(s, 0, 0);
        assertThat(v.paramOffset(1)).isEqualTo(EventView.HEADER_BYTES + 4 + 10);
        v.pointAt(s, a.length, 1);

        assertThat(v.ts()).isEqualTo(2);
        assertThat(v.paramOffset(2)).isEqualTo(a.length + EventView.HEADER_BYTES + 6 + 1 + 5);
        assertThat(v.paramLength(2)).isEqualTo(3);
    }

    @Test
    void paramLength_largePayloadType_readsThirtyTwoBitLengths() {
        byte[] big = new byte[70_000];
        big[69_999] = 9;
        byte[] e = event(5, 6, LARGE_TYPE, true, new byte[] {1}, big);
        EventView v = view().pointAt(MemorySegment.ofArray(e), 0, 0);

        assertThat(v.findMalformation(e.length)).isNull();
        assertThat(v.largePayload()).isTrue();
        assertThat(v.paramLength(1)).isEqualTo(70_000);
        assertThat(v.param(1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 69_999)).isEqualTo((byte) 9);
    }

    @Test
    void findMalformation_paramBeyondLen_namesTheParam() {
        byte[] e = event(1, 1, 3, false, new byte[4], new byte[4]);
        e[EventView.HEADER_BYTES + 2] = 100;
        EventView v = view().pointAt(MemorySegment.ofArray(e), 0, 0);

        assertThat(v.findMalformation(e.length)).contains("param 1").contains("beyond event len");
    }

    @Test
    void findMalformation_lenBeyondAvailable_reportsBoth() {
        byte[] e = event(1, 1, 3, false, new byte[4]);
        EventView v = view().pointAt(MemorySegment.ofArray(e), 0, 0);

        assertThat(v.findMalformation(e.length - 1)).contains("len " + e.length).contains((e.length - 1) + " bytes");
        assertThat(v.findMalformation(10)).contains("event header needs 26 bytes");
    }

    @Test
    void findMalformation_hugeNparams_rejectedWithoutReadingLengths() {
        byte[] e = event(1, 1, 3, false);
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putInt(22, 0x7FFF_FFFF);
        EventView v = view().pointAt(MemorySegment.ofArray(e), 0, 0);

        assertThat(v.findMalformation(e.length)).contains("nparams 2147483647 does not fit");
    }

    @Test
    void paramOffset_indexOutOfRange_throws() {
        byte[] e = event(1, 1, 3, false, new byte[1]);
        EventView v = view().pointAt(MemorySegment.ofArray(e), 0, 0);

        assertThatThrownBy(() -> v.paramOffset(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("param 1 of an event with 1 params");
    }

    @Test
    void copyOf_view_keepsValuesAfterBufferChanges() {
        byte[] e = event(9, 8, 7, false, utf8("abc"), new byte[] {1, 2});
        EventView v = view().pointAt(MemorySegment.ofArray(e), 0, 3);
        Event copy = Event.copyOf(v);
        java.util.Arrays.fill(e, (byte) 0);

        assertThat(copy).isEqualTo(new Event(9, 8, 7, 3,
                List.of(new Event.Param(utf8("abc")), new Event.Param(new byte[] {1, 2}))));
        assertThat(copy.param(0).asString()).isEqualTo("abc");
        assertThat(copy.param(1).length()).isEqualTo(2);
    }

    @Test
    void pointAt_consecutiveEvents_walksBufferByLen() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            out.writeBytes(event(i, i, 3, false, new byte[i % 7], new byte[3]));
        }
        byte[] all = out.toByteArray();
        EventView v = view();
        long at = 0;
        long sum = 0;
        for (int i = 0; i < 100; i++) {
            v.pointAt(MemorySegment.ofArray(all), at, 0);
            sum += v.paramOffset(1) - at;
            at += v.len();
        }
        assertThat(at).isEqualTo(all.length);
        long expected = 0;
        for (int i = 0; i < 100; i++) {
            expected += EventView.HEADER_BYTES + 4 + i % 7;
        }
        assertThat(sum).isEqualTo(expected);
    }
}
