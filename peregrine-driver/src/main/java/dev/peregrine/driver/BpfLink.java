package dev.peregrine.driver;

import dev.peregrine.driver.libbpf.Libbpf;
import java.lang.foreign.MemorySegment;

/** An attached program ({@code struct bpf_link}); closing it detaches the program. Closing twice is harmless. */
public final class BpfLink implements AutoCloseable {
    private final String programName;
    private MemorySegment link;

    BpfLink(String programName, MemorySegment link) {
        this.programName = programName;
        this.link = link;
    }

    /** {@return the name of the attached program} */
    public String programName() {
        return programName;
    }

    /** {@return true until closed} */
    public boolean attached() {
        return link != null;
    }

    @Override
    public void close() {
        if (link != null) {
            Libbpf.bpfLinkDestroy(link);
            link = null;
        }
    }
}
