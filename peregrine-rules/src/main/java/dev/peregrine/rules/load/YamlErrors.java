package dev.peregrine.rules.load;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/** Words YAML syntax errors as Falco (yaml-cpp) does where snakeyaml's error has a yaml-cpp counterpart. */
final class YamlErrors {
    /*
     * Implementation notes: yaml-cpp's ParserException prints "yaml-cpp: error at line L, column C: <msg>" with
     * 1-based line and column. The table maps snakeyaml "problem" texts onto yaml-cpp's ErrorMsg constants; when
     * nothing corresponds we keep snakeyaml's own context and problem so no information is lost.
     */

    private YamlErrors() {
    }

    static String message(MarkedYamlEngineException e, Mark mark) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String context = e.getContext() == null ? "" : e.getContext();
        String yamlCpp = yamlCppText(context, problem);
        String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
        if (yamlCpp != null) {
            return "yaml-cpp: error" + where + ": " + yamlCpp;
        }
        String text = context.isBlank() ? problem : context + ": " + problem;
        return "YAML error" + where + ": " + text.strip();
    }

    private static String yamlCppText(String context, String problem) {
        if (problem.startsWith("mapping values are not allowed here")) {
            return "illegal map value";
        }
        if (problem.startsWith("found unknown escape character")) {
            // snakeyaml: "found unknown escape character q(113)"
            String rest = problem.substring("found unknown escape character".length()).strip();
            int paren = rest.indexOf('(');
            return "unknown escape character: " + (paren > 0 ? rest.substring(0, paren) : rest);
        }
        if (problem.startsWith("found unexpected end of stream") && context.contains("quoted scalar")) {
            return "illegal EOF in scalar";
        }
        if (problem.startsWith("expected ',' or ']'")) {
            return "end of sequence flow not found";
        }
        if (problem.startsWith("expected ',' or '}'")) {
            return "end of map flow not found";
        }
        if (problem.startsWith("found undefined alias")) {
            return "the referenced anchor is not defined: "
                    + problem.substring("found undefined alias".length()).strip();
        }
        if (problem.startsWith("found character '\\t(TAB)'")) {
            return "illegal tab when looking for indentation";
        }
        if (context.startsWith("while parsing a block mapping") && problem.startsWith("expected <block end>")) {
            return "end of map not found";
        }
        if (context.startsWith("while parsing a block collection") && problem.startsWith("expected <block end>")) {
            return "end of sequence not found";
        }
        return null;
    }
}
