package dev.peregrine.rules.fields;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.TreeSet;

/**
 * Binds the fields of the {@code syscall} source to extractors that read a {@link SyscallEvent}: the event passed
 * to {@link Extractor#extract} must be the evaluating thread's {@link SyscallEvent}, pointed at the current event
 * after the state engine has processed it.
 *
 * <p>Fields of other sources ({@code ka.*}, {@code json.*}), and the few syscall fields not implemented, are bound
 * to an extractor that never yields a value; {@link #unsupported()} lists the latter so a caller can report them.
 */
public final class SyscallBinding implements ExtractorBinding {
    /* Implementation notes: one file per libsinsp field class, each with a static bind(ResolvedField) that returns
     * null for names it does not own; dispatch is by the name's first component so each lookup is one switch.
     * Extractors are stateless and shared by all threads; everything per event lives in the SyscallEvent. */

    private static final Extractor NONE = (event, out) -> false;

    private final Set<String> unsupported = new TreeSet<>();

    @Override
    public Extractor bind(ResolvedField field) {
        requireNonNull(field, "field is null");
        String name = field.info().name();
        int dot = name.indexOf('.');
        String prefix = dot < 0 ? name : name.substring(0, dot);
        Extractor x = switch (prefix) {
            case "evt" -> EvtFields.bind(field);
            case "proc", "thread" -> {
                Extractor p = ProcFields.bind(field);
                yield p != null ? p : ContainerFields.bind(field);
            }
            case "fd" -> FdFields.bind(field);
            case "user" -> UserFields.bind(field);
            case "group" -> GroupFields.bind(field);
            case "container", "k8s" -> ContainerFields.bind(field);
            case "fs" -> FsPathFields.bind(field);
            case "fdlist" -> FdListFields.bind(field);
            case "span" -> null;
            default -> NONE;
        };
        if (x == null) {
            synchronized (unsupported) {
                unsupported.add(name);
            }
            return NONE;
        }
        return x;
    }

    /**
     * {@return the {@code evt.type} value of every event of {@code code}, or null when it depends on the event (the
     * generic syscall event, asynchronous events) or the code is unknown}
     */
    public static String fixedEventTypeName(int code) {
        return EvtFields.fixedTypeName(code);
    }

    /** {@return the names of syscall fields bound so far that have no extractor (they never yield a value)} */
    public Set<String> unsupported() {
        synchronized (unsupported) {
            return Set.copyOf(unsupported);
        }
    }
}
