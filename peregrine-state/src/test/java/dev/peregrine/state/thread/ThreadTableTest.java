package dev.peregrine.state.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThreadTableTest {
    private static ThreadState process(long tid, long ptid, long lastEventTs) {
        ThreadState t = new ThreadState(tid);
        t.setPid(tid);
        t.setPtid(ptid);
        t.setLastEventTs(lastEventTs);
        return t;
    }

    @Test
    void put_full_evictsDeadThreadFirst() {
        ThreadTable table = new ThreadTable(3);
        table.put(process(1, 0, 10));
        table.put(process(2, 1, 5));
        ThreadState dead = table.put(process(3, 1, 50));
        dead.setDead(true);
        table.put(process(4, 1, 60));
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.get(3)).isNull();
        assertThat(table.get(2)).isNotNull();
        assertThat(table.evictions()).isEqualTo(1);
    }

    @Test
    void put_fullWithoutDeadThreads_evictsLongestIdle() {
        ThreadTable table = new ThreadTable(2);
        table.put(process(1, 0, 10));
        table.put(process(2, 1, 5));
        table.put(process(3, 1, 60));
        assertThat(table.get(2)).isNull();
        assertThat(table.get(1)).isNotNull();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void put_replacingExistingTidWhenFull_evictsNothing() {
        ThreadTable table = new ThreadTable(2);
        table.put(process(1, 0, 10));
        table.put(process(2, 1, 5));
        table.put(process(2, 1, 6));
        assertThat(table.evictions()).isZero();
    }

    @Test
    void ancestor_cycleInPtids_stopsAtBound() {
        ThreadTable table = new ThreadTable();
        table.put(process(10, 11, 0));
        table.put(process(11, 10, 0));
        assertThat(table.ancestor(table.get(10), 2).tid()).isEqualTo(10);
        assertThat(table.ancestor(table.get(10), ThreadTable.MAX_ANCESTRY_DEPTH + 10)).isNull();
        assertThatThrownBy(() -> table.ancestor(table.get(10), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionLeader_hostThread_byTidOfTheSessionId() {
        ThreadTable table = new ThreadTable();
        ThreadState leader = table.put(process(50, 1, 0));
        leader.setSid(50);
        ThreadState child = table.put(process(60, 50, 0));
        child.setSid(50);
        child.setVtid(60);
        assertThat(table.sessionLeader(child)).isSameAs(leader);
        child.setSid(-1);
        assertThat(table.sessionLeader(child)).isNull();
    }

    @Test
    void sessionLeader_inPidNamespace_oldestAncestorSharingTheSession() {
        ThreadTable table = new ThreadTable();
        ThreadState outer = table.put(process(70, 1, 0));
        outer.setSid(99);
        ThreadState shell = table.put(process(80, 70, 0));
        shell.setSid(1);
        ThreadState cmd = table.put(process(90, 80, 0));
        cmd.setSid(1);
        cmd.setVtid(5);
        assertThat(ThreadTable.inPidNamespace(cmd)).isTrue();
        assertThat(table.sessionLeader(cmd)).isSameAs(shell);
    }

    @Test
    void fds_threadWithoutMainThread_ownTable() {
        ThreadTable table = new ThreadTable();
        ThreadState lone = new ThreadState(7);
        lone.setPid(6);
        lone.setPtid(1);
        table.put(lone);
        assertThat(table.fds(lone)).isNotNull();
        assertThat(table.cwd(lone)).isEqualTo(ThreadTable.UNKNOWN_CWD);
    }

    @Test
    void retainedBytes_countsThreads() {
        ThreadTable table = new ThreadTable();
        long empty = table.retainedBytes();
        table.put(process(1, 0, 0));
        assertThat(table.retainedBytes()).isGreaterThan(empty + ThreadState.SHALLOW_BYTES - 1);
    }

    @Test
    void constructor_nonPositiveBound_rejected() {
        assertThatThrownBy(() -> new ThreadTable(0)).hasMessage("maxThreads must be positive: 0");
    }
}
