package dev.peregrine.rules.fields;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueFormatTest {
    private static Values of(Object... vs) {
        Values v = new Values();
        for (Object o : vs) {
            switch (o) {
                case String s -> v.addString(s);
                case Long l -> v.addLong(l);
                case Double d -> v.addDouble(d);
                case Boolean b -> v.addBool(b);
                case byte[] b -> v.addBytes(b);
                default -> throw new IllegalArgumentException();
            }
        }
        return v;
    }

    private static byte[] v6(int... words) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (words[i] >> 8);
            b[2 * i + 1] = (byte) words[i];
        }
        return b;
    }

    @Test
    void toText_numbers_areDecimalAtFieldWidth() {
        assertThat(ValueFormat.toText(FieldType.INT64, of(-5L), 0)).isEqualTo("-5");
        assertThat(ValueFormat.toText(FieldType.UINT64, of(-1L), 0)).isEqualTo("18446744073709551615");
        assertThat(ValueFormat.toText(FieldType.UINT32, of(-1L), 0)).isEqualTo("4294967295");
        assertThat(ValueFormat.toText(FieldType.INT8, of(200L), 0)).isEqualTo("-56");
        assertThat(ValueFormat.toText(FieldType.PORT, of(443L), 0)).isEqualTo("443");
        assertThat(ValueFormat.toText(FieldType.RELTIME, of(1000L), 0)).isEqualTo("1000");
        assertThat(ValueFormat.toText(FieldType.DOUBLE, of(1.25), 0)).isEqualTo("1.2");
        assertThat(ValueFormat.toText(FieldType.BOOL, of(true), 0)).isEqualTo("true");
    }

    @Test
    void ipToText_followsInetNtop() {
        assertThat(ValueFormat.ipToText(new byte[] {(byte) 192, (byte) 168, 0, 1})).isEqualTo("192.168.0.1");
        assertThat(ValueFormat.ipToText(v6(0, 0, 0, 0, 0, 0, 0, 1))).isEqualTo("::1");
        assertThat(ValueFormat.ipToText(v6(0, 0, 0, 0, 0, 0, 0, 0))).isEqualTo("::");
        assertThat(ValueFormat.ipToText(v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(ValueFormat.ipToText(v6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(ValueFormat.ipToText(v6(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304))).isEqualTo("::ffff:1.2.3.4");
        assertThat(ValueFormat.ipToText(v6(0xfe80, 0, 0, 0, 0, 0, 0, 0))).isEqualTo("fe80::");
    }

    @Test
    void toText_list_isParenthesised() {
        assertThat(ValueFormat.toText(FieldType.CHARBUF, true, of("a", "b"))).isEqualTo("(a,b)");
        assertThat(ValueFormat.toText(FieldType.CHARBUF, true, of())).isEqualTo("()");
    }

    @Test
    void toJson_typesValues() {
        assertThat(ValueFormat.toJson(FieldType.INT64, false, of(3L))).isEqualTo(3L);
        assertThat(ValueFormat.toJson(FieldType.UINT64, false, of(-1L)))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(ValueFormat.toJson(FieldType.BOOL, false, of(false))).isEqualTo(false);
        assertThat(ValueFormat.toJson(FieldType.CHARBUF, false, of("x"))).isEqualTo("x");
        assertThat(ValueFormat.toJson(FieldType.IPADDR, false, of((Object) new byte[] {1, 2, 3, 4})))
                .isEqualTo("1.2.3.4");
        assertThat(ValueFormat.toJson(FieldType.UINT64, true, of(1L, 2L))).isEqualTo(List.of(1L, 2L));
        assertThat(ValueFormat.toJson(FieldType.DOUBLE, false, of(2.7))).as("PF_NA: a double").isEqualTo(2.7);
    }

    @Test
    void printFormats_paddedNanosecondsAndHexDevice_byFieldName() {
        assertThat(ValueFormat.toText("evt.rawtime.ns", FieldType.ABSTIME, false, of(8707142L))).isEqualTo("008707142");
        assertThat(ValueFormat.toText("evt.reltime", FieldType.RELTIME, false, of(2_500_000_000L)))
                .isEqualTo("2500000000");
        assertThat(ValueFormat.toText("evt.deltatime.ns", FieldType.RELTIME, false, of(0L))).isEqualTo("000000000");
        assertThat(ValueFormat.toText("fd.dev", FieldType.INT32, false, of(0x801L))).isEqualTo("801");
        assertThat(ValueFormat.toText("fd.dev", FieldType.INT32, false, of(-1L))).isEqualTo("FFFFFFFF");
        assertThat(ValueFormat.toText("evt.rawtime", FieldType.ABSTIME, false, of(5L))).as("decimal").isEqualTo("5");
        assertThat(ValueFormat.toJson("evt.rawtime.ns", FieldType.ABSTIME, false, of(42L))).isEqualTo("000000042");
        assertThat(ValueFormat.toJson("evt.rawtime", FieldType.ABSTIME, false, of(42L))).isEqualTo(42L);
    }
}
