package dev.peregrine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldCatalogs;
import dev.peregrine.rules.fields.FieldFlag;
import dev.peregrine.rules.fields.FieldInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code peregrine fields}: every field rules can use, per event source, like {@code falco --list}. */
@Command(name = "fields", description = "List the fields available to rule conditions and outputs.")
final class FieldsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = {"-s", "--source"}, paramLabel = "SOURCE", description = "Only this event source (syscall, k8s_audit).")
    String source;

    @Override
    public Integer call() throws Exception {
        List<FieldCatalog> catalogs = source == null
                ? FieldCatalogs.all()
                : List.of(FieldCatalogs.forSource(source).orElseThrow(
                        () -> new UserError("unknown event source '" + source + "' (known: "
                                + FieldCatalogs.all().stream().map(FieldCatalog::source).toList() + ")", 1)));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(catalogs, out);
        } else {
            printText(catalogs, out);
        }
        out.flush();
        return 0;
    }

    static void printText(List<FieldCatalog> catalogs, PrintWriter out) {
        for (FieldCatalog catalog : catalogs) {
            String currentClass = null;
            for (FieldInfo f : catalog.fields()) {
                if (!f.fieldClass().equals(currentClass)) {
                    currentClass = f.fieldClass();
                    out.println("-".repeat(79));
                    out.printf("Field Class:                  %s%n", currentClass);
                    out.printf("Event Sources:                %s%n%n", catalog.source());
                }
                String name = f.name() + argSuffix(f);
                out.printf("%-29s %-12s %s%n", name, f.type().displayName(), f.description());
            }
            out.println();
        }
    }

    private static String argSuffix(FieldInfo f) {
        if (!f.takesArg()) {
            return "";
        }
        String what = f.has(FieldFlag.ARG_INDEX) ? "N" : "KEY";
        return f.has(FieldFlag.ARG_REQUIRED) ? "[" + what + "]" : "[" + what + "]?";
    }

    private static void printJson(List<FieldCatalog> catalogs, PrintWriter out) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode all = mapper.createArrayNode();
        for (FieldCatalog catalog : catalogs) {
            for (FieldInfo f : catalog.fields()) {
                ObjectNode n = all.addObject();
                n.put("name", f.name());
                n.put("source", catalog.source());
                n.put("class", f.fieldClass());
                n.put("type", f.type().displayName());
                n.put("arg", f.has(FieldFlag.ARG_REQUIRED) ? "required" : f.has(FieldFlag.ARG_ALLOWED) ? "allowed" : "none");
                n.put("list", f.isList());
                ArrayNode flags = n.putArray("flags");
                f.flags().stream().map(Enum::name).sorted().forEach(flags::add);
                n.put("desc", f.description());
            }
        }
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    }
}
