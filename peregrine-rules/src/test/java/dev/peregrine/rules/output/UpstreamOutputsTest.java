package dev.peregrine.rules.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldCatalogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Every rule output of the upstream Falco rule files compiles against the real field catalogs. */
class UpstreamOutputsTest {
    private static Path upstream() {
        String p = System.getProperty("peregrine.upstream");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("/work/shared/upstream");
    }

    @Test
    void compile_upstreamRuleOutputs_allCompile() throws Exception {
        List<String> failures = new ArrayList<>();
        int compiled = 0;
        for (String file : List.of("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml",
                "k8s_audit_rules.yaml")) {
            Object doc = new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(upstream().resolve("falco").resolve(file)));
            for (Object item : (List<?>) doc) {
                if (!(item instanceof Map<?, ?> m) || !m.containsKey("rule") || !(m.get("output") instanceof String out)) {
                    continue;
                }
                String source = m.get("source") instanceof String s ? s : "syscall";
                FieldCatalog catalog = FieldCatalogs.forSource(source).orElseThrow();
                try {
                    OutputTemplate t = OutputTemplate.compile(out.strip(), catalog, ExtractorBinding.UNBOUND,
                            new FieldSlots());
                    assertThat(t.fields()).isNotEmpty();
                    compiled++;
                } catch (CompileException e) {
                    failures.add(file + ": " + m.get("rule") + ": " + e.getMessage());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(compiled).isGreaterThan(100);
    }
}
