package dev.peregrine.rules.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The rule files shipped inside Peregrine: Falco's stable ruleset (the default), the incubating and sandbox files
 * available by name, and the Kubernetes audit rules, all byte copies of the upstream files
 * ({@code falcosecurity/rules}, {@code falcosecurity/plugins}), Apache-2.0, with their licenses beside them; and
 * Peregrine's own rules ({@code peregrine_rules.yaml}: build machines, supply chain, file and network hygiene).
 */
public final class BundledRules {
    /** Falco's stable rules, the first file of the default ruleset. */
    public static final String STABLE = "falco_rules.yaml";
    public static final String INCUBATING = "falco-incubating_rules.yaml";
    public static final String SANDBOX = "falco-sandbox_rules.yaml";
    public static final String K8S_AUDIT = "k8s_audit_rules.yaml";
    /** Peregrine's own rules, in the Falco language; self-contained (its macros and lists are prefixed). */
    public static final String PEREGRINE = "peregrine_rules.yaml";

    /** Every bundled file: Falco's, in the order its packages list them, then Peregrine's. */
    public static final List<String> NAMES = List.of(STABLE, INCUBATING, SANDBOX, K8S_AUDIT, PEREGRINE);

    private static final String RESOURCE_DIR = "/dev/peregrine/rules/bundled/";

    private BundledRules() {
    }

    /** {@return the bundled file with this name, as a rules source named {@code name}} */
    public static Optional<RulesSource> byName(String name) {
        if (!NAMES.contains(name)) {
            return Optional.empty();
        }
        try (InputStream in = BundledRules.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("bundled rules file missing from the jar: " + name);
            }
            return Optional.of(new RulesSource(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled rules file " + name, e);
        }
    }

    /** {@return Falco's stable rules} */
    public static RulesSource stable() {
        return byName(STABLE).orElseThrow();
    }

    /** The files of the default ruleset, in load order: Falco's stable rules, then Peregrine's. */
    public static final List<String> DEFAULT_NAMES = List.of(STABLE, PEREGRINE);

    /** {@return the default ruleset (what Peregrine loads without {@code -r}): {@link #DEFAULT_NAMES}, in order} */
    public static List<RulesSource> defaults() {
        return DEFAULT_NAMES.stream().map(n -> byName(n).orElseThrow()).toList();
    }
}
