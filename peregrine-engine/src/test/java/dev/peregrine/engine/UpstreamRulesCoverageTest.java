package dev.peregrine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.fields.SyscallBinding;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.LoadOptions;
import dev.peregrine.rules.load.LoadOutcome;
import dev.peregrine.rules.load.RulesLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every field the three syscall rule files of Falco use (conditions, outputs, exceptions) has an extractor. */
class UpstreamRulesCoverageTest {
    @Test
    void bind_allSyscallRuleFiles_noUnsupportedField() {
        SyscallBinding binding = new SyscallBinding();
        for (String name : List.of(BundledRules.STABLE, BundledRules.INCUBATING, BundledRules.SANDBOX)) {
            LoadOutcome outcome = RulesLoader.load(List.of(BundledRules.byName(name).orElseThrow()),
                    LoadOptions.defaults().withBinding(binding));
            assertThat(outcome.successful()).as(name).isTrue();
        }
        assertThat(binding.unsupported()).isEmpty();
    }
}
