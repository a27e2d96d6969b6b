package dev.peregrine.rules.load;

import java.util.List;
import java.util.Set;

/**
 * Builds the condition text of a rule with exceptions, character for character as Falco's
 * {@code build_rule_exception_infos}: {@code (cond) and not (ex1) and not (ex2)...}.
 */
final class ExceptionConditions {
    private ExceptionConditions() {
    }

    /**
     * {@return the rule condition with its exceptions}
     *
     * @param exceptionFields receives every field an exception tests
     */
    static String build(List<ExceptionInfo> exceptions, Set<String> exceptionFields, String condition)
            throws RuleLoadException {
        StringBuilder out = new StringBuilder("(").append(condition).append(')');
        for (ExceptionInfo ex : exceptions) {
            String icond;
            if (!ex.fields.isList) {
                StringBuilder sb = new StringBuilder();
                for (ExceptionInfo.Entry val : ex.values) {
                    if (val.isList) {
                        throw validate("Expected values array to contain a list of strings", ex);
                    }
                    sb.append(sb.isEmpty() ? "(" + ex.fields.item + " " + ex.comps.item + " (" : ", ");
                    exceptionFields.add(ex.fields.item);
                    sb.append(ListSubstitution.quote(val.item));
                }
                if (!sb.isEmpty()) {
                    sb.append("))");
                }
                icond = sb.toString();
            } else {
                StringBuilder sb = new StringBuilder("(");
                for (ExceptionInfo.Entry values : ex.values) {
                    if (ex.fields.items.size() != values.items.size()) {
                        throw validate("Fields and values lists must have equal length", ex);
                    }
                    if (!sb.toString().equals("(")) {
                        sb.append(" or ");
                    }
                    sb.append('(');
                    for (int k = 0; k < ex.fields.items.size(); k++) {
                        String field = ex.fields.items.get(k).item;
                        String comp = ex.comps.items.get(k).item;
                        ExceptionInfo.Entry value = values.items.get(k);
                        if (k > 0) {
                            sb.append(" and ");
                        }
                        String istr;
                        if (value.isList) {
                            StringBuilder l = new StringBuilder("(");
                            for (ExceptionInfo.Entry v : value.items) {
                                if (!l.toString().equals("(")) {
                                    l.append(", ");
                                }
                                l.append(ListSubstitution.quote(v.item));
                            }
                            istr = l.append(')').toString();
                        } else if (Operators.isListOperator(comp)) {
                            istr = value.item.startsWith("(") ? value.item : "(" + value.item + ")";
                        } else {
                            istr = ListSubstitution.quote(value.item);
                        }
                        sb.append(' ').append(field).append(' ').append(comp).append(' ').append(istr);
                        exceptionFields.add(field);
                    }
                    sb.append(')');
                }
                sb.append(')');
                icond = sb.toString().equals("()") ? "" : sb.toString();
            }
            if (!icond.isEmpty()) {
                out.append(" and not ").append(icond);
            }
        }
        return out.toString();
    }

    private static RuleLoadException validate(String message, ExceptionInfo ex) {
        return new RuleLoadException(LoadCode.LOAD_ERR_VALIDATE, message, ex.ctx);
    }
}
