package dev.peregrine.state.container;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.Event;
import dev.peregrine.event.EventTable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The container event a capture carries for a container ({@code PPME_CONTAINER_JSON_2_E}, the one libsinsp writes):
 * its JSON as {@link ContainerTable#toJson} renders it, read back by {@link ContainerTable#parseJson}, Falco and
 * sysdig.
 */
public final class ContainerJsonEvent {
    /** The event's code name. */
    public static final String CODE_NAME = "PPME_CONTAINER_JSON_2_E";
    /** Thread id of container events: they belong to no thread. */
    public static final long NO_THREAD = -1;

    private static final int CODE = codeOf(CODE_NAME);

    private ContainerJsonEvent() {
    }

    private static int codeOf(String codeName) {
        EventTable table = EventTable.get();
        for (int code = 0; code < table.size(); code++) {
            if (table.byCode(code).codeName().equals(codeName)) {
                return code;
            }
        }
        throw new IllegalStateException(codeName + " missing from the event table");
    }

    /** {@return the container event describing {@code info}, stamped {@code tsNanos}} */
    public static Event of(ContainerInfo info, long tsNanos) {
        requireNonNull(info, "info is null");
        byte[] json = ContainerTable.toJson(info).getBytes(StandardCharsets.UTF_8);
        byte[] withNul = Arrays.copyOf(json, json.length + 1);
        return new Event(tsNanos, NO_THREAD, CODE, -1, List.of(new Event.Param(withNul)));
    }
}
