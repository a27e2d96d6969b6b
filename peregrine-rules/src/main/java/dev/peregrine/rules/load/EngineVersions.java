package dev.peregrine.rules.load;

import java.util.Map;

/**
 * The versions Peregrine claims: the Falco rules engine version it implements and the plugins whose fields and
 * sources it provides natively, so that {@code required_engine_version} and {@code required_plugin_versions} of
 * upstream rules files are satisfied.
 */
public final class EngineVersions {
    /** The Falco engine version whose rules language this loader implements. */
    public static final SemVer ENGINE = new SemVer(0, 63, 0);

    /** Version of the container plugin whose {@code container.*} fields Peregrine provides. */
    public static final SemVer CONTAINER_PLUGIN = new SemVer(0, 6, 0);
    /** Version of the k8saudit plugin whose {@code k8s_audit} source and fields Peregrine provides. */
    public static final SemVer K8SAUDIT_PLUGIN = new SemVer(0, 18, 0);
    /** Version of the json plugin whose {@code json.*} fields Peregrine provides. */
    public static final SemVer JSON_PLUGIN = new SemVer(0, 7, 0);

    /** Plugin name to the version provided natively. */
    public static final Map<String, SemVer> PROVIDED_PLUGINS = Map.of(
            "container", CONTAINER_PLUGIN,
            "k8saudit", K8SAUDIT_PLUGIN,
            "json", JSON_PLUGIN);

    private EngineVersions() {
    }
}
