package dev.peregrine.rules.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Renders load results as the JSON document {@code falco -V <file> -o json_output=true} prints:
 * {@code {"falco_load_results":[{"errors":[...],"name":...,"successful":...,"warnings":[...]}]}}.
 */
public final class LoadResultsJson {
    /*
     * Implementation notes: Falco builds the document with nlohmann::json, whose objects are std::maps, so keys come
     * out sorted; dump(-1) is compact. We insert keys in sorted order into Jackson object nodes to print the same
     * bytes.
     */

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LoadResultsJson() {
    }

    /** {@return the whole document for these results, in order} */
    public static String toJson(List<FileLoadResult> results) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode arr = root.putArray("falco_load_results");
        for (FileLoadResult r : results) {
            arr.add(toNode(r));
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return one file's result as a JSON object node} */
    public static ObjectNode toNode(FileLoadResult r) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode errors = o.putArray("errors");
        r.errors().forEach(p -> errors.add(problem(p)));
        o.put("name", r.name());
        if (!r.schemaStatus().isEmpty()) {
            o.put("schema_valid", r.schemaValid());
            ArrayNode schemaWarnings = o.putArray("schema_warnings");
            if (!r.schemaValid()) {
                r.schemaStatus().forEach(schemaWarnings::add);
            }
        }
        o.put("successful", r.successful());
        ArrayNode warnings = o.putArray("warnings");
        r.warnings().forEach(p -> warnings.add(problem(p)));
        return o;
    }

    private static ObjectNode problem(Problem p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("code", p.code().name());
        o.put("codedesc", p.code().codedesc());
        ObjectNode ctx = o.putObject("context");
        ArrayNode locs = ctx.putArray("locations");
        for (Location l : p.locations()) {
            ObjectNode lo = locs.addObject();
            lo.put("item_name", l.itemName());
            lo.put("item_type", l.itemType().text());
            ObjectNode pos = lo.putObject("position");
            pos.put("column", l.position().column());
            pos.put("line", l.position().line());
            pos.put("name", l.position().name());
            pos.put("offset", l.position().offset());
        }
        ctx.put("snippet", p.snippet());
        if (p.deprecatedField() != null) {
            o.put("deprecated_field", p.deprecatedField());
        }
        o.put("message", p.message());
        return o;
    }
}
