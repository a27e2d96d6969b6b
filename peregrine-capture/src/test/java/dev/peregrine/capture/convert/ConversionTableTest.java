package dev.peregrine.capture.convert;

import static dev.peregrine.capture.convert.EventConverterTest.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.event.EventTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversionTableTest {
    private static final EventTable TABLE = EventTable.get();

    @Test
    void load_bundledTable_hasLibscapsRules() {
        ConversionTable t = ConversionTable.load(TABLE);

        assertThat(t.size()).isEqualTo(253);
        ConversionTable.Rule read = t.rule(code("PPME_SYSCALL_READ_X"), 2);
        assertThat(read.action()).isEqualTo(ConversionTable.Action.ADD_PARAMS);
        assertThat(read.instructions()).extracting(ConversionTable.Instruction::source)
                .containsExactly(ConversionTable.Source.ENTER, ConversionTable.Source.ENTER);
        ConversionTable.Rule container = t.rule(code("PPME_CONTAINER_E"), 4);
        assertThat(container.target()).isEqualTo(code("PPME_CONTAINER_JSON_E"));
        assertThat(container.instructions()[0].callback()).isEqualTo(ConversionTable.Callback.CONTAINER_JSON);
        assertThat(t.rule(code("PPME_SYSCALL_READ_X"), 4)).isNull();
    }

    @Test
    void rule_parameterCount_isKeyedAsAByteLikeLibscap() {
        ConversionTable t = ConversionTable.load(TABLE);

        assertThat(t.rule(code("PPME_SYSCALL_READ_X"), 258)).isSameAs(t.rule(code("PPME_SYSCALL_READ_X"), 2));
    }

    @Test
    void parse_unknownCode_failsNamingTheLine() {
        assertThatThrownBy(() -> ConversionTable.parse(List.of("# c", "PPME_NOPE 1 PASS -"), TABLE))
                .hasMessage("scap_conversions.txt line 2: unknown event code PPME_NOPE");
    }

    @Test
    void parse_changeTypeWithoutTarget_fails() {
        assertThatThrownBy(() -> ConversionTable.parse(List.of("PPME_SYSCALL_READ_X 1 CHANGE_TYPE -"), TABLE))
                .hasMessageContaining("line 1: CHANGE_TYPE without a target");
    }
}
