package dev.peregrine.capture.scap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Builds small scap captures byte by byte for tests: blocks, section headers, events in both layouts. */
final class ScapBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static ScapBytes capture() {
        return new ScapBytes().section(1, 2);
    }

    ScapBytes section(int major, int minor) {
        return block(BlockType.SHB.code(), le().putInt(0x1A2B3C4D).putShort((short) major).putShort((short) minor)
                .putLong(-1).array(16));
    }

    /** A block with {@code body} padded to 4 bytes, header and trailer. */
    ScapBytes block(int type, byte[] body) {
        int padded = (body.length + 3) & ~3;
        int total = 8 + padded + 4;
        Le b = le().putInt(type).putInt(total).put(body);
        for (int i = body.length; i < padded; i++) {
            b.put(new byte[1]);
        }
        out.writeBytes(b.putInt(total).array(total));
        return this;
    }

    ScapBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** An event block of the current layout (EV_V2, or EVF_V2 when {@code flags} is not null). */
    ScapBytes eventV2(BlockType type, int cpu, Integer flags, long ts, long tid, int code, boolean large,
            byte[]... params) {
        Le b = le().putShort((short) cpu);
        if (flags != null) {
            b.putInt(flags);
        }
        int lenBytes = large ? 4 : 2;
        int len = 26 + params.length * lenBytes;
        for (byte[] p : params) {
            len += p.length;
        }
        b.putLong(ts).putLong(tid).putInt(len).putShort((short) code).putInt(params.length);
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
        return block(type.code(), b.array());
    }

    /** An old event block (EV, or EVF when {@code flags} is not null): header without nparams. */
    ScapBytes eventV1(int cpu, Integer flags, long ts, long tid, int code, byte[]... params) {
        Le b = le().putShort((short) cpu);
        if (flags != null) {
            b.putInt(flags);
        }
        int len = 22 + params.length * 2;
        for (byte[] p : params) {
            len += p.length;
        }
        b.putLong(ts).putLong(tid).putInt(len).putShort((short) code);
        for (byte[] p : params) {
            b.putShort((short) p.length);
        }
        for (byte[] p : params) {
            b.put(p);
        }
        return block(flags != null ? BlockType.EVF.code() : BlockType.EV.code(), b.array());
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    byte[] gzipped() {
        return gzip(bytes());
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    static byte[] str(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    static Le le() {
        return new Le();
    }

    /** A growable little-endian byte writer. */
    static final class Le {
        private ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        private Le room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
            return this;
        }

        Le put(byte[] v) {
            room(v.length).b.put(v);
            return this;
        }

        Le putByte(int v) {
            room(1).b.put((byte) v);
            return this;
        }

        Le putShort(short v) {
            room(2).b.putShort(v);
            return this;
        }

        Le putInt(int v) {
            room(4).b.putInt(v);
            return this;
        }

        Le putLong(long v) {
            room(8).b.putLong(v);
            return this;
        }

        /** A u16 length and the string's bytes (no NUL), as scap state blocks store strings. */
        Le lenString(String s) {
            byte[] v = s.getBytes(StandardCharsets.UTF_8);
            return putShort((short) v.length).put(v);
        }

        /** A u16 length and raw bytes. */
        Le lenBytes(byte[] v) {
            return putShort((short) v.length).put(v);
        }

        int size() {
            return b.position();
        }

        byte[] array() {
            byte[] a = new byte[b.position()];
            b.duplicate().flip().get(a);
            return a;
        }

        byte[] array(int expected) {
            byte[] a = array();
            if (a.length != expected) {
                throw new AssertionError("built " + a.length + " bytes, expected " + expected);
            }
            return a;
        }
    }
}
