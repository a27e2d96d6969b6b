package dev.peregrine.state.container.meta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, as much of it as the CRI messages need: varints (int32/int64/uint32, bool, enum) and
 * length-delimited fields (strings, bytes, nested messages, map entries); fixed 32/64-bit fields are skipped when
 * read. {@link Reader} reads one message's fields in order; {@link Writer} appends fields.
 */
public final class ProtoWire {
    /* Implementation notes: protobuf-java's CodedInputStream would do, but on JDK 24+ its UnsafeUtil makes the JVM
     * print "terminally deprecated method in sun.misc.Unsafe" warnings on stderr at the first message, which a
     * command-line tool must not; the format itself is a page (https://protobuf.dev/programming-guides/encoding/).
     * Bounds: a varint has at most 10 bytes, a length may not exceed what is left of the message; anything else is
     * an IOException naming the offset. */

    /** Wire type of varints. */
    public static final int VARINT = 0;
    /** Wire type of 64-bit fixed fields. */
    public static final int FIXED64 = 1;
    /** Wire type of length-delimited fields. */
    public static final int LENGTH_DELIMITED = 2;
    /** Wire type of 32-bit fixed fields. */
    public static final int FIXED32 = 5;
    private static final int MAX_VARINT_BYTES = 10;
    private static final int TAG_TYPE_BITS = 3;

    private ProtoWire() {
    }

    /** {@return the field number of a tag} */
    public static int field(int tag) {
        return tag >>> TAG_TYPE_BITS;
    }

    /** {@return the wire type of a tag} */
    public static int wireType(int tag) {
        return tag & ((1 << TAG_TYPE_BITS) - 1);
    }

    /** Reads the fields of one encoded message. */
    public static final class Reader {
        private final byte[] buf;
        private int pos;

        public Reader(byte[] message) {
            this.buf = message;
        }

        /** {@return the next field's tag, or 0 at the end of the message} @throws IOException when malformed */
        public int readTag() throws IOException {
            if (pos == buf.length) {
                return 0;
            }
            long tag = readVarint();
            if (tag <= 0 || tag > Integer.MAX_VALUE || field((int) tag) == 0) {
                throw new IOException("invalid protobuf tag " + tag + " before offset " + pos);
            }
            return (int) tag;
        }

        /** {@return a varint field's value (int64, uint64, int32 sign-extended, enum, bool)} */
        public long readVarint() throws IOException {
            long value = 0;
            for (int i = 0; i < MAX_VARINT_BYTES; i++) {
                if (pos >= buf.length) {
                    throw new IOException("truncated protobuf varint at offset " + pos);
                }
                byte b = buf[pos++];
                value |= (long) (b & 0x7f) << (7 * i);
                if (b >= 0) {
                    return value;
                }
            }
            throw new IOException("protobuf varint longer than 10 bytes at offset " + pos);
        }

        /** {@return a length-delimited field's bytes} */
        public byte[] readBytes() throws IOException {
            long length = readVarint();
            if (length < 0 || length > buf.length - pos) {
                throw new IOException("protobuf length " + length + " beyond the message at offset " + pos);
            }
            byte[] out = new byte[(int) length];
            System.arraycopy(buf, pos, out, 0, out.length);
            pos += out.length;
            return out;
        }

        /** {@return a string field (UTF-8)} */
        public String readString() throws IOException {
            return new String(readBytes(), StandardCharsets.UTF_8);
        }

        /** {@return a bool field} */
        public boolean readBool() throws IOException {
            return readVarint() != 0;
        }

        /** {@return an enum or int32 field} */
        public int readInt32() throws IOException {
            return (int) readVarint();
        }

        /** Skips the value of the field whose tag was just read. */
        public void skip(int tag) throws IOException {
            int skip = switch (wireType(tag)) {
                case VARINT -> {
                    readVarint();
                    yield 0;
                }
                case FIXED64 -> Long.BYTES;
                case LENGTH_DELIMITED -> {
                    readBytes();
                    yield 0;
                }
                case FIXED32 -> Integer.BYTES;
                default -> throw new IOException("unsupported protobuf wire type " + wireType(tag)
                        + " at offset " + pos);
            };
            if (skip > buf.length - pos) {
                throw new IOException("truncated protobuf fixed field at offset " + pos);
            }
            pos += skip;
        }
    }

    /** Appends fields to a message. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private void varint(long value) {
            long v = value;
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        private void tag(int field, int wireType) {
            varint(((long) field << TAG_TYPE_BITS) | wireType);
        }

        /** Writes a varint field (int64, uint32, enum: negative values take 10 bytes, as protobuf's int32 does). */
        public Writer writeVarint(int field, long value) {
            tag(field, VARINT);
            varint(value);
            return this;
        }

        /** Writes a bool field. */
        public Writer writeBool(int field, boolean value) {
            return writeVarint(field, value ? 1 : 0);
        }

        /** Writes a length-delimited field (bytes or a nested message). */
        public Writer writeBytes(int field, byte[] value) {
            tag(field, LENGTH_DELIMITED);
            varint(value.length);
            out.writeBytes(value);
            return this;
        }

        /** Writes a string field. */
        public Writer writeString(int field, String value) {
            return writeBytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        /** {@return the message so far} */
        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
