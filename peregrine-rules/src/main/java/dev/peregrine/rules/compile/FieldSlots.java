package dev.peregrine.rules.compile;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers the distinct field references of a ruleset (field, argument and transformers) so that every rule using
 * the same field shares one cached value per event. A reference is identified by its canonical text
 * ({@code proc.name}, {@code proc.aname[2]}, {@code tolower(proc.name)}); the first compiler to ask for a text
 * decides how it is extracted. Slots may be added at any time; an {@link EvalContext} grows to match.
 *
 * <p>Not thread-safe while compiling; read-only (and safe to share) once compilation is done.
 */
public final class FieldSlots {
    /* Implementation notes: the key is the text of the field expression (libsinsp exprstr_sinsp_filter_cache_factory
     * keys its caches the same way), so "proc.name" used by 500 rules is extracted once per event. A transformed
     * reference gets its own slot whose source reads the inner slot, so tolower(proc.name) and proc.name share
     * the proc.name extraction. */

    private final Map<String, Integer> byKey = new HashMap<>();
    private final List<String> keys = new ArrayList<>();
    private final List<SlotSource> sources = new ArrayList<>();
    private int memoIds;

    public FieldSlots() {
    }

    /** {@return how many slots have been assigned} */
    public int size() {
        return keys.size();
    }

    /** {@return the canonical text of the field reference in {@code slot}} */
    public String keyAt(int slot) {
        return keys.get(slot);
    }

    /** {@return the slot of a reference text, or -1 when none was assigned} */
    public int slotOf(String key) {
        Integer s = byKey.get(key);
        return s == null ? -1 : s;
    }

    int slotFor(String key, SlotSource source) {
        requireNonNull(key, "key is null");
        requireNonNull(source, "source is null");
        Integer s = byKey.get(key);
        if (s != null) {
            return s;
        }
        int slot = keys.size();
        keys.add(key);
        sources.add(source);
        byKey.put(key, slot);
        return slot;
    }

    /** {@return a new id for a boolean node whose result generated code may remember per event} */
    int newMemoId() {
        return memoIds++;
    }

    /** {@return how many boolean-node ids have been handed out} */
    int memoIds() {
        return memoIds;
    }

    SlotSource sourceAt(int slot) {
        return sources.get(slot);
    }
}
