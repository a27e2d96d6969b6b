package dev.peregrine.rules.fields;

import java.util.List;
import java.util.Optional;

/** The field catalogs of the event sources Peregrine knows ({@code syscall}, {@code k8s_audit}). (Contract stub.) */
public final class FieldCatalogs {
    private FieldCatalogs() {
    }

    public static Optional<FieldCatalog> forSource(String source) {
        throw new UnsupportedOperationException("pending");
    }

    public static List<FieldCatalog> all() {
        throw new UnsupportedOperationException("pending");
    }
}
