package dev.peregrine.rules.fields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class FieldCatalogsTest {
    private final FieldCatalog syscall = FieldCatalogs.forSource("syscall").orElseThrow();
    private final FieldCatalog k8s = FieldCatalogs.forSource("k8s_audit").orElseThrow();

    static Path upstream() {
        String p = System.getProperty("peregrine.upstream");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        return Path.of("/work/shared/upstream");
    }

    private static ResolvedField resolve(FieldCatalog c, String name, String arg) throws FieldArgumentException {
        return c.resolve(name, arg).orElseThrow(() -> new AssertionError("unresolved " + name));
    }

    @Test
    void resource_libsinspFields_isByteIdenticalToUpstream() throws IOException {
        byte[] bundled;
        try (InputStream in = FieldCatalogs.class.getResourceAsStream("libsinsp_fields.json")) {
            bundled = in.readAllBytes();
        }
        assertThat(bundled).isEqualTo(Files.readAllBytes(upstream().resolve("falco-libs/libsinsp_fields.json")));
    }

    @Test
    void forSource_knownAndUnknown_returnsCatalogsOrEmpty() {
        assertThat(FieldCatalogs.all()).extracting(FieldCatalog::source).containsExactly("syscall", "k8s_audit");
        assertThat(FieldCatalogs.forSource("aws_cloudtrail")).isEmpty();
    }

    @Test
    void fields_syscall_containsEveryLibsinspFieldAndContainerFields() {
        Set<String> names = syscall.fields().stream().map(FieldInfo::name).collect(Collectors.toSet());
        Set<String> sinsp = new LinkedHashSet<>();
        FieldCatalogs.read("libsinsp_fields.json").fieldNames().forEachRemaining(sinsp::add);
        assertThat(sinsp).hasSize(232);
        assertThat(names).containsAll(sinsp).contains("container.id", "container.image.repository",
                "container.privileged", "container.mount.dest", "k8s.ns.name", "k8s.pod.name");
        assertThat(syscall.fields()).hasSize(names.size());
    }

    @Test
    void fields_k8sAudit_hasGenericEventFieldsAndPluginFieldsOnly() {
        Set<String> names = k8s.fields().stream().map(FieldInfo::name).collect(Collectors.toSet());
        assertThat(FieldCatalogs.genericFieldNames()).hasSize(18).contains("evt.num", "evt.time", "evt.source",
                "evt.hostname", "evt.pluginname", "evt.plugininfo", "evt.asynctype", "evt.time.iso8601");
        assertThat(names).containsAll(FieldCatalogs.genericFieldNames())
                .contains("ka.verb", "ka.user.groups", "jevt.value", "json.value", "ka.req.pod.initContainers.image")
                .doesNotContain("proc.name", "evt.type", "container.id");
    }

    @Test
    void fields_syscall_areInClassThenDeclarationOrder() {
        List<String> names = syscall.fields().stream().map(FieldInfo::name).toList();
        assertThat(names.subList(0, 2)).containsExactly("evt.num", "evt.time");
        assertThat(names.indexOf("proc.exe")).isLessThan(names.indexOf("proc.name"));
        assertThat(names.indexOf("proc.name")).isLessThan(names.indexOf("user.uid"));
        assertThat(names.indexOf("fdlist.sports")).isLessThan(names.indexOf("container.id"));
        assertThat(syscall.fields().stream().filter(f -> f.name().equals("proc.name")).findFirst().orElseThrow()
                .fieldClass()).isEqualTo("process");
    }

    @Test
    void fields_descriptions_areKnownFieldsAndOneLine() {
        Set<String> all = new LinkedHashSet<>();
        FieldCatalogs.all().forEach(c -> c.fields().forEach(f -> all.add(f.name())));
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = FieldCatalogs.class.getResourceAsStream("field_descriptions.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(all).containsAll(p.stringPropertyNames());
        assertThat(syscall.fields().stream().filter(f -> f.name().equals("proc.name")).findFirst().orElseThrow()
                .description()).isNotBlank().doesNotContain("\n");
    }

    @Test
    void fieldInfo_typesAndFlags_mappedFromSources() {
        FieldInfo aname = syscall.fields().stream().filter(f -> f.name().equals("proc.aname")).findFirst().orElseThrow();
        assertThat(aname.type()).isEqualTo(FieldType.CHARBUF);
        assertThat(aname.flags()).contains(FieldFlag.ARG_ALLOWED, FieldFlag.ARG_INDEX).doesNotContain(FieldFlag.ARG_KEY);
        FieldInfo groups = k8s.fields().stream().filter(f -> f.name().equals("ka.user.groups")).findFirst().orElseThrow();
        assertThat(groups.isList()).isTrue();
        FieldInfo privileged = syscall.fields().stream().filter(f -> f.name().equals("container.privileged")).findFirst().orElseThrow();
        assertThat(privileged.type()).isEqualTo(FieldType.BOOL);
        assertThat(privileged.fieldClass()).isEqualTo("container");
        FieldInfo mountDest = syscall.fields().stream().filter(f -> f.name().equals("container.mount.dest")).findFirst().orElseThrow();
        assertThat(mountDest.flags()).contains(FieldFlag.ARG_REQUIRED, FieldFlag.ARG_INDEX, FieldFlag.ARG_KEY);
    }

    @Test
    void resolve_plainAndBracket_returnsFieldAndArg() throws Exception {
        assertThat(resolve(syscall, "proc.name", null).text()).isEqualTo("proc.name");
        ResolvedField a = resolve(syscall, "proc.aname", "2");
        assertThat(a.info().name()).isEqualTo("proc.aname");
        assertThat(a.arg()).isEqualTo("2");
        assertThat(a.text()).isEqualTo("proc.aname[2]");
        assertThat(resolve(syscall, "proc.env", "HOME").arg()).isEqualTo("HOME");
        assertThat(resolve(syscall, "container.mount.dest", "/proc*").arg()).isEqualTo("/proc*");
        assertThat(resolve(k8s, "jevt.value", "/requestObject/spec").arg()).isEqualTo("/requestObject/spec");
    }

    @ParameterizedTest
    @CsvSource({
            "evt.arg.flags, evt.arg, flags",
            "evt.rawarg.res, evt.rawarg, res",
            "evt.type.is.open, evt.type.is, open",
            "evt.type.is.3, evt.type.is, 3",
            "thread.cgroup.cpuset, thread.cgroup, cpuset",
            "evt.abspath.src, evt.abspath, src"})
    void resolve_dotArgument_splitsAtLongestField(String written, String field, String arg) throws Exception {
        ResolvedField r = resolve(syscall, written, null);
        assertThat(r.info().name()).isEqualTo(field);
        assertThat(r.arg()).isEqualTo(arg);
    }

    @Test
    void resolve_longerFieldSharingPrefix_winsOverDotArgument() throws Exception {
        assertThat(resolve(syscall, "evt.args", null).info().name()).isEqualTo("evt.args");
        assertThat(resolve(syscall, "thread.cgroups", null).info().name()).isEqualTo("thread.cgroups");
        assertThat(resolve(syscall, "container.image.repository", null).info().name()).isEqualTo("container.image.repository");
        assertThat(resolve(syscall, "container.image.repository", null).arg()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"proc.nam", "proc.namex", "proc.name.x", "nosuch.field", "evt.type.foo", "container.id.x"})
    void resolve_unknownName_isEmpty(String name) throws Exception {
        assertThat(syscall.resolve(name, null)).isEmpty();
    }

    @Test
    void resolve_sourceMismatch_isEmpty() throws Exception {
        assertThat(k8s.resolve("proc.name", null)).isEmpty();
        assertThat(syscall.resolve("ka.verb", null)).isEmpty();
    }

    @Test
    void resolve_requiredArgMissing_throwsLibsinspMessage() {
        assertThatThrownBy(() -> syscall.resolve("evt.arg", null))
                .isInstanceOf(FieldArgumentException.class).hasMessage("filter syntax error: evt.arg");
        assertThatThrownBy(() -> syscall.resolve("thread.cgroup", null))
                .isInstanceOf(FieldArgumentException.class).hasMessage("filter syntax error: thread.cgroup");
        assertThatThrownBy(() -> syscall.resolve("container.mount.dest", null))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessage("filter 'container.mount.dest': container.mount.dest requires an argument but none provided");
        assertThatThrownBy(() -> k8s.resolve("ka.uri.param", null))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessage("filter 'ka.uri.param': ka.uri.param requires an argument but none provided");
    }

    @Test
    void resolve_pluginDotArgument_throwsRequiresArgument() {
        assertThatThrownBy(() -> syscall.resolve("k8s.pod.label.app", null))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessage("filter 'k8s.pod.label.app': k8s.pod.label requires an argument but none provided");
    }

    @Test
    void resolve_argGivenToFieldWithoutArg_throws() {
        assertThatThrownBy(() -> syscall.resolve("proc.name", "1"))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessage("filter_check called with nonexistent field proc.name[1]");
        assertThatThrownBy(() -> syscall.resolve("container.id", "x"))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessage("filter 'container.id[x]': container.id does not allow nor require an argument but one is provided: x");
    }

    @Test
    void resolve_nonNumericIndex_throws() {
        assertThatThrownBy(() -> syscall.resolve("proc.aname", "x"))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessage("filter_check called with nonexistent field proc.aname[x]");
        assertThatThrownBy(() -> syscall.resolve("evt.arg", "x"))
                .isInstanceOf(FieldArgumentException.class).hasMessage("x is not a valid number");
        assertThatThrownBy(() -> k8s.resolve("ka.req.pod.containers.image", "x"))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessage("filter ka.req.pod.containers.image[x] ka.req.pod.containers.image has an invalid index argument"
                        + " not composed only by digits: x");
        assertThatThrownBy(() -> k8s.resolve("ka.req.pod.containers.image", "01"))
                .isInstanceOf(FieldArgumentException.class)
                .hasMessageContaining("has an invalid index argument starting with 0: 01");
    }

    @Test
    void resolve_indexOrKeyPluginArg_acceptsBoth() throws Exception {
        assertThat(resolve(syscall, "container.mount.dest", "0").arg()).isEqualTo("0");
        assertThat(resolve(syscall, "container.mount.dest", "/var/run/docker.sock").arg()).isEqualTo("/var/run/docker.sock");
    }

    @Test
    void resolve_evtArgUnknownParam_throwsUnknownEventArgument() {
        assertThatThrownBy(() -> syscall.resolve("evt.arg.zzz", null))
                .isInstanceOf(FieldArgumentException.class).hasMessage("unknown event argument zzz");
        assertThatThrownBy(() -> syscall.resolve("evt.rawarg", "1"))
                .isInstanceOf(FieldArgumentException.class).hasMessage("evt.arg fields must be expressed explicitly");
    }

    // ---- every field reference of the upstream rule files resolves ----

    private static final Pattern OUTPUT_REF = Pattern.compile("%([a-z_]+(?:\\.[a-zA-Z0-9_]+)+)(?:\\[([^\\]]*)\\])?");
    private static final Pattern CONDITION_REF =
            Pattern.compile("(?<![\\w./-])([a-z_]+(?:\\.[a-zA-Z0-9_]+)+)(?:\\[([^\\]]*)\\])?");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

    record Ref(String name, String arg, String file) {
    }

    static List<Ref> referencesIn(Path file, Set<String> heads) throws IOException {
        List<Ref> out = new ArrayList<>();
        Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        for (Object item : (List<?>) doc) {
            if (!(item instanceof Map<?, ?> m)) {
                continue;
            }
            if (m.get("condition") instanceof String c) {
                Matcher mm = CONDITION_REF.matcher(QUOTED.matcher(c).replaceAll("\"\""));
                while (mm.find()) {
                    String name = mm.group(1);
                    if (heads.contains(name.substring(0, name.indexOf('.')))) {
                        out.add(new Ref(name, mm.group(2), file.getFileName().toString()));
                    }
                }
            }
            if (m.get("output") instanceof String o) {
                Matcher mm = OUTPUT_REF.matcher(o);
                while (mm.find()) {
                    out.add(new Ref(mm.group(1), mm.group(2), file.getFileName().toString()));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({
            "falco_rules.yaml, syscall",
            "falco-incubating_rules.yaml, syscall",
            "falco-sandbox_rules.yaml, syscall",
            "k8s_audit_rules.yaml, k8s_audit"})
    void resolve_upstreamRuleReferences_allResolve(String file, String source) throws Exception {
        FieldCatalog catalog = FieldCatalogs.forSource(source).orElseThrow();
        Set<String> heads = catalog.fields().stream().map(f -> f.name().substring(0, f.name().indexOf('.')))
                .collect(Collectors.toSet());
        List<Ref> refs = referencesIn(upstream().resolve("falco").resolve(file), heads);
        assertThat(refs).hasSizeGreaterThan(20);
        List<String> unresolved = new ArrayList<>();
        for (Ref r : refs) {
            try {
                Optional<ResolvedField> f = catalog.resolve(r.name(), r.arg());
                if (f.isEmpty()) {
                    unresolved.add(r.name() + (r.arg() == null ? "" : "[" + r.arg() + "]"));
                }
            } catch (FieldArgumentException e) {
                unresolved.add(r.name() + ": " + e.getMessage());
            }
        }
        assertThat(unresolved).isEmpty();
    }
}
