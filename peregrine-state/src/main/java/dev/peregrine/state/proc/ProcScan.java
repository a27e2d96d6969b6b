package dev.peregrine.state.proc;

import static java.util.Objects.requireNonNull;

import dev.peregrine.capture.FdInfo;
import dev.peregrine.capture.GroupInfo;
import dev.peregrine.capture.NetInterface;
import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.UserInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one {@link ProcScanner#scan()}: the machine's threads, the descriptors of each process, its network
 * interfaces and users, shaped as the state blocks of a capture.
 *
 * @param threads the threads found, processes before their other threads
 * @param fds the open descriptors of each process, keyed by its pid (the main thread's tid), in scan order
 * @param interfaces the addresses of the network interfaces
 * @param users the users of {@code etc/passwd}
 * @param groups the groups of {@code etc/group}
 * @param skippedThreads thread directories left out: kernel threads, zombies, threads that vanished during the scan,
 *     and threads beyond {@link ProcScanner#MAX_THREADS}
 * @param degradedThreads threads kept although some of their files could not be read (permissions)
 * @param truncated whether the scan stopped at {@link ProcScanner#MAX_THREADS}
 * @param elapsedNanos how long the scan took, ns
 */
public record ProcScan(
        List<ThreadInfo> threads,
        Map<Long, List<FdInfo>> fds,
        List<NetInterface> interfaces,
        List<UserInfo> users,
        List<GroupInfo> groups,
        int skippedThreads,
        int degradedThreads,
        boolean truncated,
        long elapsedNanos) {
    public ProcScan {
        threads = List.copyOf(threads);
        Map<Long, List<FdInfo>> copy = new LinkedHashMap<>();
        requireNonNull(fds, "fds is null").forEach((pid, list) -> copy.put(pid, List.copyOf(list)));
        fds = Collections.unmodifiableMap(copy);
        interfaces = List.copyOf(interfaces);
        users = List.copyOf(users);
        groups = List.copyOf(groups);
    }

    /** {@return the number of descriptors found over all processes} */
    public int fdCount() {
        return fds.values().stream().mapToInt(List::size).sum();
    }

    /**
     * {@return the scan as capture state blocks, in the order a capture carries them}: interfaces, users, the process
     * list, then one descriptor list per process. Offsets are 0: the blocks come from no file.
     */
    public List<ScapBlock> blocks() {
        List<ScapBlock> out = new ArrayList<>(3 + fds.size());
        out.add(new ScapBlock.Interfaces(0, BlockType.IL_V2, interfaces));
        out.add(new ScapBlock.Users(0, BlockType.UL_V2, users, groups));
        out.add(new ScapBlock.Processes(0, BlockType.PL_V9, threads));
        fds.forEach((pid, list) -> out.add(new ScapBlock.Fds(0, BlockType.FDL_V2, pid, list)));
        return out;
    }
}
