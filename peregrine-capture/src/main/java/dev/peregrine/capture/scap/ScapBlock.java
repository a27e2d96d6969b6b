package dev.peregrine.capture.scap;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.MachineInfo;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import java.util.List;

/**
 * A non-event block of a scap capture, decoded; {@link ScapFileSource} hands each one to its listener, in file
 * order, before the events that follow it. Every block knows the byte offset where it starts (after gunzip).
 */
public sealed interface ScapBlock {
    /** {@return the offset of the block's first byte in the scap stream} */
    long offset();

    /**
     * The start of a section. A file may hold several sections back to back; each one brings its own state blocks.
     *
     * @param major format major version (1)
     * @param minor format minor version (0 to 2 are known)
     * @param sectionLength length of the section in bytes, -1 when unspecified
     */
    record SectionHeader(long offset, int major, int minor, long sectionLength) implements ScapBlock {
    }

    /** The machine the capture was taken on. */
    record Machine(long offset, BlockType type, MachineInfo info) implements ScapBlock {
        public Machine {
            requireNonNull(type, "type is null");
            requireNonNull(info, "info is null");
        }
    }

    /** A process list: the threads alive when the capture started. */
    record Processes(long offset, BlockType type, List<ThreadInfo> threads) implements ScapBlock {
        public Processes {
            requireNonNull(type, "type is null");
            threads = List.copyOf(threads);
        }
    }

    /** The open file descriptors of thread {@code tid}. */
    record Fds(long offset, BlockType type, long tid, List<FdInfo> fds) implements ScapBlock {
        public Fds {
            requireNonNull(type, "type is null");
            fds = List.copyOf(fds);
        }
    }

    /** The addresses of the machine's network interfaces. */
    record Interfaces(long offset, BlockType type, List<NetInterface> interfaces) implements ScapBlock {
        public Interfaces {
            requireNonNull(type, "type is null");
            interfaces = List.copyOf(interfaces);
        }
    }

    /** The machine's users and groups. */
    record Users(long offset, BlockType type, List<UserInfo> users, List<GroupInfo> groups) implements ScapBlock {
        public Users {
            requireNonNull(type, "type is null");
            users = List.copyOf(users);
            groups = List.copyOf(groups);
        }
    }

    /**
     * A block of a type this reader does not know, skipped by its length (pcapng rule).
     *
     * @param typeCode the raw block type
     * @param totalLength the block's total length, header and trailer included
     */
    record Unknown(long offset, int typeCode, long totalLength) implements ScapBlock {
    }
}
