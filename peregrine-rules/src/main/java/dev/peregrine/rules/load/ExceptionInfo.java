package dev.peregrine.rules.load;

import java.util.ArrayList;
import java.util.List;

/** A rule exception as read (Falco {@code rule_exception_info}); fields, comps and values are each a scalar or a list. */
final class ExceptionInfo {
    /** A scalar or a list of entries; "valid" when a non-empty scalar or a non-empty list. */
    static final class Entry {
        boolean isList;
        String item = "";
        List<Entry> items = new ArrayList<>();

        Entry() {
        }

        Entry(String item) {
            this.item = item;
        }

        boolean isValid() {
            return isList ? !items.isEmpty() : !item.isEmpty();
        }
    }

    Context ctx;
    String name;
    Entry fields = new Entry();
    Entry comps = new Entry();
    List<Entry> values = new ArrayList<>();

    ExceptionInfo(Context ctx) {
        this.ctx = ctx;
    }
}
