package dev.peregrine.capture.scap;

import static java.util.Objects.requireNonNull;

import dev.peregrine.event.EventTable;
import java.util.Set;

/** {@link EventShapes} taken from Peregrine's event table, precomputed into arrays for the event path. */
public final class TableEventShapes implements EventShapes {
    /*
     * Implementation notes.
     *
     * The reader asks per event; arrays indexed by code keep that to one bounds check and one load. The two codes
     * with libscap's old-capture length quirk are found by their PPME names, not hard-coded numbers.
     */

    private static final String LARGE_PAYLOAD_FLAG = "EF_LARGE_PAYLOAD";
    private static final Set<String> V1_LENGTH_OVERSTATED =
            Set.of("PPME_NOTIFICATION_E", "PPME_INFRASTRUCTURE_EVENT_E");

    private static final class Holder {
        static final TableEventShapes STANDARD = of(EventTable.get());
    }

    private final int[] nparams;
    private final boolean[] large;
    private final boolean[] overstated;

    private TableEventShapes(int[] nparams, boolean[] large, boolean[] overstated) {
        this.nparams = nparams;
        this.large = large;
        this.overstated = overstated;
    }

    /** {@return the shapes of the table bundled with Peregrine} */
    public static TableEventShapes standard() {
        return Holder.STANDARD;
    }

    /** {@return the shapes of {@code table}} */
    public static TableEventShapes of(EventTable table) {
        requireNonNull(table, "table is null");
        int n = table.size();
        int[] nparams = new int[n];
        boolean[] large = new boolean[n];
        boolean[] overstated = new boolean[n];
        for (int code = 0; code < n; code++) {
            EventTable.EventInfo e = table.byCode(code);
            nparams[code] = e.params().size();
            large[code] = e.hasFlag(LARGE_PAYLOAD_FLAG);
            overstated[code] = V1_LENGTH_OVERSTATED.contains(e.codeName());
        }
        return new TableEventShapes(nparams, large, overstated);
    }

    @Override
    public int nparams(int code) {
        return code >= 0 && code < nparams.length ? nparams[code] : -1;
    }

    @Override
    public boolean largePayload(int code) {
        return code >= 0 && code < large.length && large[code];
    }

    @Override
    public boolean v1LengthOverstated(int code) {
        return code >= 0 && code < overstated.length && overstated[code];
    }
}
