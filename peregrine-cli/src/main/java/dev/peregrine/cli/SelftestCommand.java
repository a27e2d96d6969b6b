package dev.peregrine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.cli.live.LiveDetection;
import dev.peregrine.cli.selftest.ContainerScenarios;
import dev.peregrine.cli.selftest.HostScenarios;
import dev.peregrine.cli.selftest.Scenario;
import dev.peregrine.cli.selftest.Selftest;
import dev.peregrine.driver.BpfException;
import dev.peregrine.rules.load.BundledRules;
import dev.peregrine.rules.load.Rule;
import dev.peregrine.state.container.meta.MetadataResolver;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine selftest}: proves that the bundled rules detect what they describe on this machine. Runs live
 * detection with the default ruleset (Falco's stable rules and Peregrine's), performs a safe, reversible action per
 * rule — on the host ({@link HostScenarios}) or inside a Podman container built from host binaries
 * ({@link ContainerScenarios}) — and reports for each rule whether its alert came (with the alert's key fields) or
 * not. Exit code 0 only when every runnable scenario was detected. See docs/selftest.md.
 */
@Command(name = "selftest", description = {
    "Live proof of detection (root): performs a safe, reversible action for each bundled rule (Falco's stable",
    "rules and Peregrine's) and reports per rule: detected (with key fields), missing, skipped (with why)."})
final class SelftestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rule", paramLabel = "NAME", description = "Only this rule's scenario (repeatable).")
    List<String> only = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wait per scenario (default: ${DEFAULT-VALUE}).")
    double timeout = 10;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LiveDetection.unavailableReason().ifPresent(reason -> {
            throw new UserError("the selftest needs live capture, which is not available: " + reason, 1);
        });
        DetectionSetup setup = DetectionSetup.prepareSources(BundledRules.defaults(), List.of("rule_matching=all"),
                false, err);
        FalcoLogger log = new FalcoLogger(err, Clock.systemUTC(), ZoneId.systemDefault());
        log.configure(setup.config().logging().level(), setup.config().logging().stderr(), true);
        try (HostScenarios host = HostScenarios.create();
             ContainerScenarios containers = ContainerScenarios.create();
             MetadataResolver metadata = MetadataResolver.defaults()) {
            List<Scenario> scenarios = new ArrayList<>(host.scenarios());
            boolean wantContainers = only.isEmpty() || containers.scenarios().stream()
                    .anyMatch(s -> only.contains(s.rule()));
            if (wantContainers) {
                containers.prepare();
            }
            scenarios.addAll(containers.scenarios());
            Set<String> covered = new TreeSet<>();
            scenarios.forEach(s -> covered.add(s.rule()));
            for (Rule r : setup.ruleset().enabledRules()) {
                if (!covered.contains(r.name())) {
                    scenarios.add(new Scenario(r.name(), "no scenario", Scenario.Step.none(),
                            Scenario.Step.none(), List.of(), "no selftest scenario for this rule", null));
                }
            }
            if (!only.isEmpty()) {
                scenarios.removeIf(s -> !only.contains(s.rule()));
                if (scenarios.isEmpty()) {
                    throw new UserError("no scenario for rule(s) " + only, 1);
                }
            }
            host.prepareNetwork();
            Selftest selftest = new Selftest(Duration.ofMillis((long) (timeout * 1000)));
            List<Selftest.Result> results = selftest.run(sink -> new LiveDetection(setup.ruleset(),
                    setup.formatter(), sink, setup.config().syscallEventDrops(), log).containerMetadata(metadata),
                    scenarios, r -> {
                        if (!json) {
                            out.println(line(r));
                            out.flush();
                        }
                    });
            long detected = results.stream().filter(r -> r.status() == Selftest.Status.DETECTED).count();
            long bad = results.stream().filter(r -> r.status() == Selftest.Status.MISSING
                    || r.status() == Selftest.Status.FAILED).count();
            long skipped = results.size() - detected - bad;
            if (json) {
                out.println(toJson(results, detected, bad, skipped));
            } else {
                out.printf("%nselftest: %d detected, %d missing or failed, %d skipped, of %d rules%n", detected, bad,
                        skipped, results.size());
            }
            out.flush();
            return bad == 0 ? 0 : 1;
        } catch (BpfException e) {
            throw new UserError(e.getMessage(), 1);
        }
    }

    private static String line(Selftest.Result r) {
        StringBuilder b = new StringBuilder(String.format("%-9s %-55s", r.status(), r.scenario().rule()));
        switch (r.status()) {
            case DETECTED -> {
                b.append(" ").append(r.millis()).append(" ms");
                r.keyFields().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            }
            case MISSING -> b.append(" no alert after: ").append(r.scenario().action())
                    .append(r.detail() == null ? "" : " (" + r.detail() + ")");
            case SKIPPED, FAILED -> b.append(" ").append(r.detail());
        }
        return b.toString();
    }

    private static String toJson(List<Selftest.Result> results, long detected, long bad, long skipped)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("detected", detected).put("missing_or_failed", bad).put("skipped", skipped);
        ArrayNode rules = root.putArray("rules");
        for (Selftest.Result r : results) {
            ObjectNode n = rules.addObject();
            n.put("rule", r.scenario().rule()).put("status", r.status().name().toLowerCase())
                    .put("action", r.scenario().action()).put("millis", r.millis());
            if (r.detail() != null) {
                n.put("detail", r.detail());
            }
            if (r.alert() != null) {
                n.put("output", r.alert().output());
                ObjectNode f = n.putObject("key_fields");
                r.keyFields().forEach(f::put);
            }
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
