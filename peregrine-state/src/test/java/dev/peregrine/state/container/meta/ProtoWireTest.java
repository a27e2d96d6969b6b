package dev.peregrine.state.container.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ProtoWireTest {
    @Property
    void writeThenRead_anyFields_sameValuesBack(@ForAll long number, @ForAll String text, @ForAll boolean flag)
            throws IOException {
        byte[] nested = new ProtoWire.Writer().writeString(1, text).toByteArray();
        byte[] message = new ProtoWire.Writer().writeVarint(3, number).writeBytes(17, nested).writeBool(2000, flag)
                .toByteArray();
        ProtoWire.Reader r = new ProtoWire.Reader(message);
        int tag = r.readTag();
        assertThat(ProtoWire.field(tag)).isEqualTo(3);
        assertThat(ProtoWire.wireType(tag)).isEqualTo(ProtoWire.VARINT);
        assertThat(r.readVarint()).isEqualTo(number);
        tag = r.readTag();
        assertThat(ProtoWire.field(tag)).isEqualTo(17);
        ProtoWire.Reader n = new ProtoWire.Reader(r.readBytes());
        assertThat(n.readTag()).isEqualTo(1 << 3 | ProtoWire.LENGTH_DELIMITED);
        assertThat(n.readString()).isEqualTo(text);
        assertThat(n.readTag()).isZero();
        assertThat(ProtoWire.field(r.readTag())).isEqualTo(2000);
        assertThat(r.readBool()).isEqualTo(flag);
        assertThat(r.readTag()).isZero();
    }

    @Test
    void encoding_knownBytes_asProtobufEncodesThem() {
        // field 1 varint 150 -> 08 96 01; field 2 string "testing" -> 12 07 74 65 73 74 69 6e 67
        assertThat(new ProtoWire.Writer().writeVarint(1, 150).writeString(2, "testing").toByteArray())
                .containsExactly(0x08, 0x96, 0x01, 0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g');
        assertThat(new ProtoWire.Writer().writeVarint(1, -1).toByteArray()).hasSize(11);
    }

    @Test
    void skip_fixedAndUnknownFields_readsOnToTheNextField() throws IOException {
        byte[] message = {0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x15, 1, 2, 3, 4, 0x18, 0x05};
        ProtoWire.Reader r = new ProtoWire.Reader(message);
        r.skip(r.readTag());
        r.skip(r.readTag());
        assertThat(ProtoWire.field(r.readTag())).isEqualTo(3);
        assertThat(r.readInt32()).isEqualTo(5);
    }

    @Test
    void read_malformedMessages_ioExceptionWithTheOffset() {
        assertThatThrownBy(() -> {
            ProtoWire.Reader r = new ProtoWire.Reader(new byte[] {0x12, 0x05, 'a'});
            r.readTag();
            r.readBytes();
        }).isInstanceOf(IOException.class).hasMessage("protobuf length 5 beyond the message at offset 2");
        assertThatThrownBy(() -> new ProtoWire.Reader(new byte[] {(byte) 0x80}).readTag())
                .isInstanceOf(IOException.class).hasMessage("truncated protobuf varint at offset 1");
        assertThatThrownBy(() -> new ProtoWire.Reader(new byte[] {0x00}).readTag())
                .isInstanceOf(IOException.class).hasMessageStartingWith("invalid protobuf tag 0");
        assertThatThrownBy(() -> {
            ProtoWire.Reader r = new ProtoWire.Reader(new byte[] {0x0b});
            r.skip(r.readTag());
        }).isInstanceOf(IOException.class).hasMessage("unsupported protobuf wire type 3 at offset 1");
    }
}
