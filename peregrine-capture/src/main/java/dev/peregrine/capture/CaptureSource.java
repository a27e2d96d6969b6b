package dev.peregrine.capture;

import dev.peregrine.event.EventView;
import java.util.Optional;

/**
 * A stream of events from one source (a capture file, the kernel ring buffers, a plugin): Peregrine's form of
 * libscap's engine vtable.
 *
 * <p>A reader thread calls {@link #next()} in a loop. {@link Next#EVENT} means {@link #event()} now points at the next
 * event; the view and the memory under it belong to the source and stay valid only until the following call to
 * {@code next()} or {@code close()}. {@link Next#TIMEOUT} is not an error: no event is ready yet (live sources).
 * {@link Next#EOF} ends the stream for good; when damage ended it early, {@link #problem()} says where. No method
 * throws an unchecked exception because of the input: bad input is a {@link CaptureProblem}.
 *
 * <p>Sources are single-threaded and not reusable after {@code close()}.
 */
public interface CaptureSource extends AutoCloseable {

    /** What a call to {@link #next()} produced. */
    enum Next {
        /** {@link #event()} points at a new event. */
        EVENT,
        /** No event is ready now; ask again. Never returned by file sources. */
        TIMEOUT,
        /** The stream has ended (for good); see {@link #problem()} for an early end caused by damage. */
        EOF
    }

    /** Advances to the next event. After {@link Next#EOF} every further call returns {@code EOF} again. */
    Next next();

    /** {@return the view of the current event, valid only after {@link Next#EVENT} and until the next call} */
    EventView event();

    /** {@return why the stream ended before its natural end, if it did} */
    Optional<CaptureProblem> problem();

    /** {@return the number of events delivered so far} */
    long eventCount();

    /**
     * {@return how many events the source left out, unread by the consumer, because nobody needed them (a capture
     * file told which events its consumer wants)} The number of an event is then {@link #eventCount()} plus this.
     * 0 for sources that deliver every event.
     */
    default long eventsLeftOut() {
        return 0;
    }

    /** Releases the source; the view is no longer valid. Closing twice is harmless. */
    @Override
    void close();
}
