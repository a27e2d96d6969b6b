package dev.peregrine.driver;

import dev.peregrine.driver.libbpf.Libbpf;
import java.lang.foreign.MemorySegment;

/** A program of a loaded {@link BpfObject}; valid while the object is open. */
public final class BpfProgram {
    private final String name;
    private final MemorySegment handle;

    BpfProgram(String name, MemorySegment handle) {
        this.name = name;
        this.handle = handle;
    }

    /** {@return the program's name (its C function name)} */
    public String name() {
        return name;
    }

    /**
     * Says whether {@link BpfObject#load()} submits this program to the verifier (all are by default); only before
     * load. A program left out costs neither verification time nor kernel memory, and has no fd.
     */
    public void setAutoload(boolean autoload) {
        int rc = Libbpf.bpfProgramSetAutoload(handle, autoload);
        if (rc != 0) {
            throw new BpfException("cannot change autoload of eBPF program " + name + ": "
                    + BpfException.errnoName(rc), "");
        }
    }

    /** {@return the program's file descriptor (after load)} */
    public int fd() {
        return Libbpf.bpfProgramFd(handle);
    }

    /**
     * Attaches the program where its section says ({@code tp_btf/...}).
     *
     * @throws BpfException when the kernel refuses the attachment
     */
    public BpfLink attach() {
        MemorySegment link = Libbpf.bpfProgramAttach(handle);
        if (link.equals(MemorySegment.NULL)) {
            int errno = Libbpf.lastErrno();
            throw new BpfException("cannot attach eBPF program " + name + ": " + BpfException.errnoName(errno),
                    Libbpf.drainLog());
        }
        return new BpfLink(name, link);
    }
}
