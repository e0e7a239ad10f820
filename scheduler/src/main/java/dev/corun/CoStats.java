package dev.corun;

import java.util.List;

/**
 * A snapshot of the runtime, Swoole's {@code Co::stats()}.
 *
 * <pre>{@code
 * CoStats s = Co.stats();
 * System.out.println(s.coroutineNum() + " alive, peak " + s.coroutinePeak());
 * }</pre>
 *
 * @param coroutineNum    coroutines alive now, Java and Kotlin
 * @param coroutinePeak   the most alive at once since start (may read a few short when many start at the same instant)
 * @param lastCid         the last coroutine id handed out
 * @param globalQueued    tasks waiting in the global injection queue
 * @param extraCarriersStarted temporary carriers started by compensation since start
 * @param preemptions     coroutines sent to the back of the global queue by the preemptive scheduler since start
 * @param carriers        one entry per carrier thread alive now
 */
public record CoStats(
        int coroutineNum,
        int coroutinePeak,
        long lastCid,
        int globalQueued,
        long extraCarriersStarted,
        long preemptions,
        List<Carrier> carriers) {

    /**
     * One carrier thread.
     *
     * @param name      the thread's name
     * @param state     RUNNING, SPINNING, IDLE or RETIRED
     * @param temporary started by compensation, retired when idle
     * @param tasksRun  tasks it has run (each resumption of a coroutine is one)
     * @param steals    batches it stole from other carriers
     * @param queued    tasks in its local run queue now
     */
    public record Carrier(String name, String state, boolean temporary, long tasksRun, long steals, int queued) {}
}
