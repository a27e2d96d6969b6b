package dev.peregrine.rules.load;

import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldInfo;
import dev.peregrine.rules.fields.ResolvedField;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A source registry for tests of the YAML and collection stages: known sources and a fixed set of valid fields. */
final class FakeSources implements SourceRegistry {
    private final Set<String> sources;
    private final Set<String> fields;

    FakeSources(Set<String> sources, Set<String> fields) {
        this.sources = sources;
        this.fields = fields;
    }

    static FakeSources syscall() {
        return new FakeSources(Set.of("syscall"), Set.of("proc.name", "proc.cmdline", "fd.name", "fd.filename",
                "evt.type", "proc.pname", "fd.directory"));
    }

    @Override
    public Optional<FieldCatalog> catalog(String source) {
        if (!sources.contains(source)) {
            return Optional.empty();
        }
        return Optional.of(new FieldCatalog() {
            @Override
            public String source() {
                return source;
            }

            @Override
            public Collection<FieldInfo> fields() {
                return List.of();
            }

            @Override
            public Optional<ResolvedField> resolve(String name, String bracketArg) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean isValidLhsField(String source, String field) {
        return fields.contains(field);
    }

    /** Reads files in order into one collector; {@return the reports} */
    static List<FileReport> read(RulesCollector collector, String... contents) {
        var reports = new java.util.ArrayList<FileReport>();
        var map = new java.util.HashMap<String, String>();
        for (int i = 0; i < contents.length; i++) {
            map.put("f" + i + ".yaml", contents[i]);
        }
        for (int i = 0; i < contents.length; i++) {
            FileReport r = new FileReport("f" + i + ".yaml", map);
            new RulesReader(collector).read(contents[i], r);
            reports.add(r);
        }
        return reports;
    }
}
