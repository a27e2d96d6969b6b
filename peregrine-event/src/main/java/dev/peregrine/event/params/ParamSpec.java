package dev.peregrine.event.params;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The rendering facts of one event parameter ({@code struct ppm_param_info} of the driver's event table).
 *
 * @param name the parameter name ({@code evt.arg.NAME})
 * @param type the parameter type
 * @param format how numbers print
 * @param flags the flag/enum/mode table for {@code PT_FLAGS*}, {@code PT_ENUMFLAGS*} and {@code PT_MODE}, else null
 * @param dirfdIndex for {@code PT_FSRELPATH}, the index of the dirfd parameter the path is relative to, else -1
 * @param dynamic for {@code PT_DYN}, the parameter variants selected by the value's first byte, else empty
 */
public record ParamSpec(String name, ParamType type, PrintFormat format, FlagTable flags, int dirfdIndex,
                        List<ParamSpec> dynamic) {
    public ParamSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(format, "format is null");
        dynamic = List.copyOf(dynamic);
    }
}
