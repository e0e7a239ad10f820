package dev.corun.internal;

import dev.corun.CoOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The monitor thread (Go's sysmon). Every tick (1 ms while any carrier works, 10 ms when all
 * are idle) it looks at each carrier's task counter; a counter that has not moved means the
 * carrier is still in the task it had at the last look. From how long that has been, it:
 * <ul>
 *   <li>opens a carrier's hot queue to thieves, and wakes an idle carrier, when a task queued
 *       there before the previous look still waits while the carrier moves from task to task
 *       (see {@link Carrier});</li>
 *   <li>asks the coroutine of a carrier stuck in it while work of the carrier's own waits to
 *       give way at its next yield point (a channel operation, a checkpoint), at every look: it
 *       goes to the back of the hot queue, and what it woke runs on this carrier, in this
 *       core's cache;</li>
 *   <li>once the carrier has been in that task for two ticks, opens its run-next slot and hot
 *       queue to thieves too (the task may never reach a yield point) and wakes an idle
 *       carrier;</li>
 *   <li>marks the carrier for preemption, when the preemptive scheduler is on (after the time
 *       slice): the coroutine yields to the global queue at its next checkpoint;</li>
 *   <li>starts a temporary carrier when carriers are stuck past {@code compensateAfter}, work
 *       starves (the head of the global queue or of a stuck carrier's run-next slot has not
 *       moved for half of {@code compensateAfter}, longer than a GC pause; a stuck carrier's local queue counts only when every carrier
 *       is stuck, since otherwise another carrier will steal from it: the output of a coroutine
 *       spawning in a loop is drained, not starved), no carrier is idle or spinning, and the
 *       carriers that are not stuck are fewer
 *       than the parallelism: a stuck carrier takes one carrier's worth of capacity away and one
 *       replacement gives it back; more would only oversubscribe the cores (Go hands off one P
 *       per blocked M). One per tick, at most {@code maxExtraCarriers} alive; once no work has starved for four times
 *       {@code compensateAfter} and no carrier is stuck, it asks one temporary carrier per tick to
 *       retire (a busy one would otherwise never be idle long enough to leave; while a carrier is
 *       still stuck, the replacement is still needed, and retiring it would starve the work it
 *       runs again);</li>
 * </ul>
 * and it runs the deadlock check of the active runs. It reads the carriers' shared fields only,
 * never takes a lock a carrier could hold.
 */
final class Sysmon extends Thread {
    private static final long BUSY_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How long a carrier stays in one task before thieves may take its run-next and hot
     * tasks: two busy ticks, so a coroutine asked to give way at the first look has a tick to
     * do so before its work is opened to the others.
     */
    private static final long STEAL_FROM_STUCK_AFTER_NANOS = 2 * BUSY_TICK_NANOS;

    private final CorunRuntime runtime;
    private final Scheduler scheduler;
    /** The task at the head of the global queue at the last look, and since when it has been there. */
    private Object lastGlobalHead;
    private long globalHeadSinceNanos;
    /** When work last starved: temporary carriers retire once it has not for a while. */
    private long lastStarvingNanos;

    Sysmon(CorunRuntime runtime, Scheduler scheduler) {
        super(null, null, "corun-sysmon", 0, false);
        this.runtime = runtime;
        this.scheduler = scheduler;
        setDaemon(true);
    }

    @Override
    public void run() {
        while (!scheduler.isShutdown()) {
            long now = System.nanoTime();
            boolean busy = tick(now);
            runtime.checkDeadlocks(now);
            LockSupport.parkNanos(this, busy ? BUSY_TICK_NANOS : IDLE_TICK_NANOS);
        }
    }

    /** One look at every carrier; true if any was working. */
    private boolean tick(long now) {
        CoOptions o = runtime.options();
        long slice = o.preemptiveScheduler() ? o.timeSlice().toNanos() : Long.MAX_VALUE;
        long compensate = o.compensateAfter().toNanos();
        boolean busy = false;
        int stuck = 0;
        // Starving: the same head for half the compensation threshold, longer than a GC pause.
        long starveAfter = compensate / 2;
        Object globalHead = scheduler.peekGlobal();
        if (globalHead != lastGlobalHead) {
            lastGlobalHead = globalHead;
            globalHeadSinceNanos = now;
        }
        boolean starving = globalHead != null && now - globalHeadSinceNanos >= starveAfter;
        boolean queueStarving = false;
        Carrier[] carriers = scheduler.carriers();
        for (Carrier c : carriers) {
            boolean runNextStarving = c.runNextUnmovedFor(now) >= starveAfter;
            boolean ringStarving = c.queueUnmovedFor(now) >= starveAfter;
            int state = c.state;
            long seen = c.tasksRun();
            boolean moved = state != Carrier.RUNNING || seen != c.sysmonSeenTasks;
            if (c.openStaleHot(!moved)) {
                scheduler.signalWork();
            }
            if (moved) {
                c.sysmonSeenTasks = seen;
                c.sysmonSinceNanos = now;
                busy |= state == Carrier.RUNNING || state == Carrier.SPINNING;
                continue;
            }
            busy = true;
            long stuckFor = now - c.sysmonSinceNanos;
            boolean hasLocalWork = c.hasLocalWork();
            if (stuckFor >= STEAL_FROM_STUCK_AFTER_NANOS && !c.longRunning) {
                c.longRunning = true;
            }
            if (hasLocalWork) {
                // At every look, not only the first: a monitor running late (its thread competes
                // for the same cores) may first see the carrier stuck past the stealing mark.
                c.askToGiveWay();
                starving |= runNextStarving;
                queueStarving |= ringStarving;
            }
            if (c.hasStealableWork()) {
                scheduler.signalWork();
            }
            if (stuckFor >= slice) {
                c.markForPreemption();
            }
            if (stuckFor >= compensate) {
                stuck++;
            }
        }
        starving |= queueStarving && stuck == carriers.length;
        if (starving) {
            lastStarvingNanos = now;
        } else if (stuck == 0 && now - lastStarvingNanos > 4 * compensate && scheduler.temporaryAlive() > 0) {
            scheduler.requestRetirement();
        }
        if (stuck > 0 && starving && scheduler.idleCount() == 0 && scheduler.spinningCount() == 0
                && carriers.length - stuck < scheduler.parallelism()) {
            scheduler.startTemporaryCarrier(o.maxExtraCarriers());
        }
        return busy;
    }
}
