package dev.peregrine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.capture.ThreadInfo;
import dev.peregrine.capture.scap.BlockType;
import dev.peregrine.capture.scap.ScapBlock;
import dev.peregrine.event.EventBuilder;
import dev.peregrine.state.thread.ThreadState;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Context-switch and procinfo events in the state engine, as libsinsp's parse_context_switch and parser reset. */
class StateEngineSchedulerEventsTest {
    static final long MAIN = 100;
    static final long WORKER = 101;
    static final long TS = 1_000_000_000L;

    StateEngine engine;

    @BeforeEach
    void setUp() {
        engine = new StateEngine();
        engine.onBlock(new ScapBlock.Processes(0, BlockType.PL_V9, List.of(
                ThreadInfo.builder().tid(MAIN).pid(MAIN).ptid(1).comm("app").exe("/bin/app").cwd("/").build(),
                ThreadInfo.builder().tid(WORKER).pid(MAIN).ptid(1).comm("app").exe("/bin/app").cwd("/").build())));
    }

    private static EventBuilder contextSwitch(long tid, long pfMajor, long pfMinor, long vmsizeKb) {
        return EventBuilder.of("PPME_SCHEDSWITCH_6_E", TS, tid).i64(0).u64(pfMajor).u64(pfMinor).u32(vmsizeKb)
                .u32(vmsizeKb / 2).u32(3);
    }

    @Test
    void onEvent_contextSwitch_pageFaultsOfTheThreadMemoryOfItsProcess() {
        engine.onEvent(contextSwitch(WORKER, 2, 40, 8192).view());
        ThreadState worker = engine.thread(WORKER);
        ThreadState main = engine.thread(MAIN);
        assertThat(engine.currentThread()).isSameAs(worker);
        assertThat(worker.pfmajor()).isEqualTo(2);
        assertThat(worker.pfminor()).isEqualTo(40);
        assertThat(main.pfminor()).isZero();
        assertThat(main.vmsizeKb()).isEqualTo(8192);
        assertThat(main.vmrssKb()).isEqualTo(4096);
        assertThat(main.vmswapKb()).isEqualTo(3);
        assertThat(worker.vmsizeKb()).as("libsinsp writes memory to the main thread only").isZero();
    }

    @Test
    void onEvent_oldContextSwitchWithoutMemory_stateUnchanged() {
        engine.onEvent(EventBuilder.of("PPME_SCHEDSWITCH_6_E", TS, MAIN).i64(0).view());
        assertThat(engine.thread(MAIN).pfminor()).isZero();
        assertThat(engine.thread(MAIN).vmsizeKb()).isZero();
    }

    @Test
    void onEvent_contextSwitchOfUnknownThread_noThreadCreated() {
        engine.onEvent(contextSwitch(999, 1, 1, 1).view());
        assertThat(engine.currentThread()).isNull();
        assertThat(engine.thread(999)).isNull();
    }

    @Test
    void onEvent_procinfo_currentThreadIsTheOneItNames() {
        engine.onEvent(EventBuilder.of("PPME_PROCINFO_E", TS, WORKER).u64(10).u64(5).view());
        assertThat(engine.currentThread()).isSameAs(engine.thread(WORKER));
        engine.onEvent(EventBuilder.of("PPME_PROCINFO_E", TS, 999).u64(10).u64(5).view());
        assertThat(engine.currentThread()).as("never created").isNull();
        assertThat(engine.thread(999)).isNull();
    }
}
