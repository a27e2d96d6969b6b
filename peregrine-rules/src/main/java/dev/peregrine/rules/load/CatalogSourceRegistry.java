package dev.peregrine.rules.load;

import dev.peregrine.event.EventTable;
import dev.peregrine.rules.compile.CompileException;
import dev.peregrine.rules.compile.ConditionCompiler;
import dev.peregrine.rules.compile.FieldSlots;
import dev.peregrine.rules.fields.ExtractorBinding;
import dev.peregrine.rules.fields.FieldArgumentException;
import dev.peregrine.rules.fields.FieldCatalog;
import dev.peregrine.rules.fields.FieldCatalogs;
import dev.peregrine.rules.syntax.ConditionParser;
import dev.peregrine.rules.syntax.ConditionSyntaxException;
import java.util.Optional;

/** The sources of {@link FieldCatalogs}. */
final class CatalogSourceRegistry implements SourceRegistry {
    static final CatalogSourceRegistry INSTANCE = new CatalogSourceRegistry();

    private CatalogSourceRegistry() {
    }

    @Override
    public Optional<FieldCatalog> catalog(String source) {
        return FieldCatalogs.forSource(source);
    }

    /*
     * Falco: a name with a parenthesis may be a transformer expression, checked by compiling "<field> exists";
     * otherwise the name (with an optional [arg]) must resolve to a field of the source.
     */
    @Override
    public boolean isValidLhsField(String source, String field) {
        Optional<FieldCatalog> catalog = catalog(source);
        if (catalog.isEmpty()) {
            return false;
        }
        try {
            if (field.indexOf('(') >= 0) {
                var compiler = new ConditionCompiler(catalog.get(), ExtractorBinding.UNBOUND, new FieldSlots(),
                        EventTable.get());
                compiler.compileTree(ConditionParser.parse(field + " exists")); // validity only: no code to generate
                return true;
            }
            String name = field;
            String arg = null;
            int bracket = field.indexOf('[');
            if (bracket > 0 && field.endsWith("]")) {
                name = field.substring(0, bracket);
                arg = field.substring(bracket + 1, field.length() - 1);
            }
            return catalog.get().resolve(name, arg).isPresent();
        } catch (ConditionSyntaxException | CompileException | FieldArgumentException e) {
            return false;
        }
    }
}
