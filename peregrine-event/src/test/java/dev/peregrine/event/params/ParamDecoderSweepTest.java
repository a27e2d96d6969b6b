package dev.peregrine.event.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.peregrine.event.EventTable;
import dev.peregrine.event.EventView;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every event of the table renders; random bytes give text or a {@link ParamDecodeException}, nothing else. */
class ParamDecoderSweepTest {
    private static final ParamDecoder D = ParamDecoder.get();
    private static final EventTable E = EventTable.get();
    private static final ParamTables T = ParamTables.get();
    private static final long SEED = 20261126L;
    private static final int RANDOM_EVENTS = 20_000;

    private static final FdNameResolver THREAD = (fd, out) -> {
        out.append("<f>/fd/").append(fd);
        return true;
    };

    /** {@return a plausible value of the type: a number of its width, a string, an address} */
    private static byte[] typical(ParamSpec spec) {
        return switch (spec.type()) {
            case PT_CHARBUF, PT_FSPATH, PT_FSRELPATH -> "rel/x\0".getBytes();
            case PT_BYTEBUF, PT_CHARBUFARRAY, PT_CHARBUF_PAIR_ARRAY -> "a\0b\0".getBytes();
            case PT_SOCKADDR -> SocketDecodingTest.sockaddr4(1, 2, 3, 4, 80);
            case PT_SOCKTUPLE -> SocketDecodingTest.tuple4(new byte[] {1, 2, 3, 4}, 1, new byte[] {5, 6, 7, 8}, 2);
            case PT_FDLIST -> ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putLong(3)
                    .putShort((short) 1).array();
            case PT_DYN -> new byte[] {0, 1, 0, 0, 0, 0, 0, 0, 0};
            case PT_IPV4NET, PT_IPV6NET, PT_IPADDR, PT_IPNET, PT_NONE -> new byte[4];
            default -> {
                byte[] b = new byte[spec.type().fixedWidth()];
                b[0] = 1;
                yield b;
            }
        };
    }

    private static EventView view(int code, List<byte[]> params) {
        boolean large = E.byCode(code).hasFlag("EF_LARGE_PAYLOAD");
        int lenBytes = large ? 4 : 2;
        int len = EventView.HEADER_BYTES + params.size() * lenBytes;
        for (byte[] p : params) {
            len += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1).putLong(2).putInt(len).putShort((short) code).putInt(params.size());
        for (byte[] p : params) {
            if (large) {
                b.putInt(p.length);
            } else {
                b.putShort((short) p.length);
            }
        }
        params.forEach(b::put);
        return EventView.forTable(E).pointAt(MemorySegment.ofArray(b.array()), 0, 0);
    }

    @Test
    void renderArgs_everyEventWithTypicalValues_rendersEveryParam() {
        int rendered = 0;
        for (int code = 0; code < E.size(); code++) {
            List<byte[]> params = new ArrayList<>();
            for (ParamSpec spec : T.params(code)) {
                params.add(typical(spec));
            }
            EventView v = view(code, params);
            String args = D.renderArgs(v, THREAD);
            String plain = D.renderArgs(v, FdNameResolver.NONE);
            if (code != EventTable.GENERIC_X) {
                for (ParamSpec spec : T.params(code)) {
                    assertThat(args).as("args of %s", E.byCode(code).codeName()).contains(spec.name() + "=");
                }
            }
            assertThat(plain).doesNotContain("(n.a.)");
            for (int i = 0; i < params.size(); i++) {
                int at = i;
                if (T.param(code, i).type().fixedWidth() > 0 && T.param(code, i).type().fixedWidth() <= 8) {
                    assertThatCode(() -> D.asLong(v, at)).as("%s param %d", E.byCode(code).codeName(), i)
                            .doesNotThrowAnyException();
                }
            }
            rendered++;
        }
        assertThat(rendered).isEqualTo(454);
    }

    @Test
    void renderArgs_randomBytes_textOrParamDecodeException() {
        Random random = new Random(SEED);
        int failures = 0;
        for (int n = 0; n < RANDOM_EVENTS; n++) {
            int code = random.nextInt(E.size());
            List<byte[]> params = new ArrayList<>();
            for (ParamSpec spec : T.params(code)) {
                int width = spec.type().fixedWidth();
                int len = random.nextInt(4) == 0 || width <= 0 ? random.nextInt(48) : width;
                byte[] b = new byte[len];
                switch (random.nextInt(4)) {
                    case 0 -> Arrays.fill(b, (byte) 0xff);
                    case 1 -> Arrays.fill(b, (byte) 0x80);
                    default -> random.nextBytes(b);
                }
                if (len > 0 && random.nextBoolean()) {
                    b[0] = (byte) new int[] {1, 2, 10, 0}[random.nextInt(4)];
                }
                params.add(b);
            }
            EventView v = view(code, params);
            try {
                D.renderArgs(v, random.nextBoolean() ? THREAD : FdNameResolver.NONE);
                for (int i = 0; i < params.size(); i++) {
                    int at = i;
                    assertThatCode(() -> {
                        try {
                            D.render(v, at);
                            D.asString(v, at);
                        } catch (ParamDecodeException expected) {
                            // a clear error is an accepted outcome
                        }
                    }).doesNotThrowAnyException();
                }
            } catch (ParamDecodeException e) {
                assertThat(e.getMessage()).contains("param");
                failures++;
            }
        }
        assertThat(failures).as("random events rejected with a clear error").isPositive().isLessThan(RANDOM_EVENTS);
    }
}
