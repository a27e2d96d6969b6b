package dev.peregrine.capture.scap;

/**
 * What the scap reader needs to know about event codes to frame events: how many parameters the current event
 * table lists (old event blocks do not store the count) and which codes use 32-bit parameter lengths.
 */
public interface EventShapes {
    /** {@return the number of parameters the event table lists for {@code code}, or -1 when the code is unknown} */
    int nparams(int code);

    /** {@return whether events of {@code code} carry 32-bit parameter lengths ({@code EF_LARGE_PAYLOAD})} */
    boolean largePayload(int code);

    /**
     * {@return whether old captures (event blocks version 1) overstate the length of {@code code} events by 3 bytes}
     * libscap corrects this for {@code PPME_NOTIFICATION_E} and {@code PPME_INFRASTRUCTURE_EVENT_E}.
     */
    boolean v1LengthOverstated(int code);
}
