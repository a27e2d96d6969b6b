package dev.peregrine.rules.fields;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every field of the {@code syscall} catalog has an extractor, except an explicit list of fields that cannot have a
 * value in Peregrine, each with its reason.
 */
class SyscallFieldCoverageTest {
    /** Fields without an extractor, and why none can exist. */
    static final Map<String, String> NOT_EXTRACTABLE = Map.of(
            "evt.pluginname", "names the plugin that produced a plugin event; libsinsp's plugin_by_evt finds only "
                    + "loaded plugins, and Peregrine's syscall source loads none (no value in libsinsp either)",
            "evt.plugininfo", "the loaded plugin's rendering of its event (event_to_string); no plugin is loaded for "
                    + "the syscall source");

    /** A valid argument for each field that requires one. */
    private static final Map<String, String> SAMPLE_ARG = Map.ofEntries(
            Map.entry("evt.arg", "fd"),
            Map.entry("evt.rawarg", "fd"),
            Map.entry("evt.type.is", "open"),
            Map.entry("thread.cgroup", "cpu"),
            Map.entry("evt.abspath", "src"));

    @Test
    void bind_everyCatalogField_hasExtractorOrReasonedExclusion() throws FieldArgumentException {
        FieldCatalog catalog = FieldCatalogs.forSource(FieldCatalogs.SYSCALL).orElseThrow();
        SyscallBinding binding = new SyscallBinding();
        Set<String> missing = new TreeSet<>();
        for (FieldInfo f : catalog.fields()) {
            String arg = f.has(FieldFlag.ARG_REQUIRED) ? SAMPLE_ARG.getOrDefault(f.name(), "x") : null;
            ResolvedField r = new ResolvedField(f, arg);
            binding.bind(r);
        }
        missing.addAll(binding.unsupported());
        assertThat(missing).as("excluded fields are catalog fields without an extractor")
                .containsAll(NOT_EXTRACTABLE.keySet());
        missing.removeAll(NOT_EXTRACTABLE.keySet());
        assertThat(missing).as("syscall fields without an extractor").isEmpty();
    }
}
