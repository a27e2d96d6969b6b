package dev.peregrine.rules.syntax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Test data: libsinsp's parser test cases and the conditions of the upstream Falco rule files. */
final class ConditionTexts {
    /** The four upstream rule files whose conditions must all parse. */
    static final List<String> RULE_FILES = List.of("falco_rules.yaml", "falco-incubating_rules.yaml",
            "falco-sandbox_rules.yaml", "k8s_audit_rules.yaml");

    private static List<String> accepted;
    private static List<String> rejected;
    private static List<String> ruleConditions;

    private ConditionTexts() {
    }

    /** {@return the conditions libsinsp's filter_parser tests accept (test_accept)} */
    static synchronized List<String> libsinspAccepted() {
        if (accepted == null) {
            loadCases();
        }
        return accepted;
    }

    /** {@return the conditions libsinsp's filter_parser tests reject (test_reject)} */
    static synchronized List<String> libsinspRejected() {
        if (rejected == null) {
            loadCases();
        }
        return rejected;
    }

    private static void loadCases() {
        try (InputStream in = ConditionTexts.class.getResourceAsStream("libsinsp-parser-cases.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            accepted = strings(root.get("accept"));
            rejected = strings(root.get("reject"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    static Path upstream() {
        String prop = System.getProperty("peregrine.upstream");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        return Path.of("/work/shared/upstream");
    }

    /** {@return every {@code condition:} of a macro or rule in the four upstream rule files, in file order} */
    static synchronized List<String> ruleConditions() {
        if (ruleConditions == null) {
            List<String> out = new ArrayList<>();
            for (String file : RULE_FILES) {
                out.addAll(conditionsOf(upstream().resolve("falco").resolve(file)));
            }
            ruleConditions = List.copyOf(out);
        }
        return ruleConditions;
    }

    static List<String> conditionsOf(Path file) {
        List<String> out = new ArrayList<>();
        try {
            Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
            if (doc instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> m && m.get("condition") instanceof String c) {
                        out.add(c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * {@return {@code text} with every blank outside quoted strings replaced by {@code blank}} (quoted strings end
     * as the lexer ends them: at a delimiter not preceded by a backslash)
     */
    static String replaceBlanks(String text, char blank) {
        StringBuilder sb = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int end = i + 1;
                char prev = c;
                while (end < text.length() && !(text.charAt(end) == c && prev != '\\')) {
                    prev = text.charAt(end);
                    end++;
                }
                int stop = Math.min(end + 1, text.length());
                sb.append(text, i, stop);
                i = stop;
                continue;
            }
            sb.append(c == ' ' ? blank : c);
            i++;
        }
        return sb.toString();
    }
}
