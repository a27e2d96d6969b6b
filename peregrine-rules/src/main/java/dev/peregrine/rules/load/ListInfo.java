package dev.peregrine.rules.load;

import java.util.ArrayList;
import java.util.List;

/** A collected {@code list} definition (Falco {@code list_info}); mutable while collecting. */
final class ListInfo {
    Context ctx;
    int index;
    int visibility;
    String name;
    List<String> items = new ArrayList<>();

    ListInfo(Context ctx) {
        this.ctx = ctx;
    }
}
