package dev.corun.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One carrier thread of a {@link Scheduler}: the M of M:N. It runs tasks (virtual-thread
 * continuations and Kotlin dispatched tasks) from, in order:
 * <ol>
 *   <li>the global queue, once every {@value #GLOBAL_CHECK_INTERVAL} tasks, so injected work
 *       is never starved by a busy local queue (Go checks every 61 ticks);</li>
 *   <li>its run-next slot, a LIFO slot holding the coroutine most recently woken by the code
 *       this carrier runs, so a ping-pong pair stays on one carrier and in cache; at most
 *       {@value #LIFO_CAP} times in a row while other work waits (Tokio's cap), after which the
 *       slot's task goes to the back of the hot queue;</li>
 *   <li>its two local {@link RunQueue}s, taking turns: {@code hot}, the tasks the code on
 *       this carrier made runnable (coroutines it started, woken ones the run-next slot
 *       displaced, coroutines giving way), and {@code queue}, yielding tasks;</li>
 *   <li>the global queue, then half of another carrier's queues.</li>
 * </ol>
 * With nothing found it spins briefly (at most half the carriers spin at once) and then parks.
 *
 * <h2>Work made on a carrier stays there, for a while</h2>
 * Thieves take from {@code queue} at once. They take from {@code hot} only once the monitor
 * has opened it, because a task queued there before its previous look (a tick, 1 ms) is still
 * waiting, or because this carrier is stuck in one task ({@code longRunning}); it stays open
 * until its owner finds it empty. Pushing to {@code hot} wakes no idle carrier. A task in it
 * was made runnable by the code this carrier runs (a channel's consumer waking senders, a
 * loop starting producers), so the data it will touch is in this core's cache, and its maker
 * usually goes on touching the same lines. Stolen at once, as Go and Tokio do, each such task
 * moves those lines to the other core and back: in a 1000-producer fan-in on two free cores
 * that made an element cost 180-250 ns against 25-35 ns on one carrier (BENCHMARKS.md section
 * 13). Waiting a tick keeps that work on one core while its owner keeps up, and still spreads
 * a backlog that lasts (producers that compute between sends, a loop starting CPU-bound
 * coroutines), a tick late. This is Linux's cache-hot rule ({@code sched_migration_cost}) with
 * the monitor's tick as the clock, so no task pays for a clock read.
 *
 * <p>Field ownership: fields without {@code volatile} are written only by this thread.
 * {@code state}, {@code runNext}, {@code preemptMark}, {@code longRunning} and {@code hotOpen}
 * are shared with submitters, thieves and the monitor; the {@code sysmon*} fields belong to the monitor thread.
 */
final class Carrier extends Thread {
    static final int RUNNING = 0;
    static final int SPINNING = 1;
    static final int IDLE = 2;
    static final int WOKEN = 3;
    static final int RETIRED = 4;

    /** {@code preemptMark}: the running coroutine should yield to the global queue (time slice). */
    static final int PREEMPT = 1;
    /** {@code preemptMark}: the running coroutine should yield to the back of the hot queue. */
    static final int GIVE_WAY = 2;

    private static final int LIFO_CAP = 3;
    /** Slots of the hot queue: a thousand started or woken producers fit in it; beyond it, half spills to the global queue. */
    private static final int HOT_CAPACITY = 1024;
    private static final int GLOBAL_CHECK_INTERVAL = 61;
    private static final int SPIN_ROUNDS = 64;
    private static final long TEMPORARY_KEEP_ALIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * Carriers marked by the preemptive scheduler, over every scheduler: the one volatile read
     * {@code Co.checkpoint()} makes when nothing is marked.
     */
    static volatile int preemptMarks;

    final Scheduler scheduler;
    /** Yielding tasks; thieves take from it at once. */
    final RunQueue queue = new RunQueue();
    /** Tasks the code on this carrier made runnable; thieves take from it once it is open (see the class comment). */
    final RunQueue hot = new RunQueue(HOT_CAPACITY);
    final boolean temporary;

    volatile int state = RUNNING;
    volatile Runnable runNext;
    /** Set by the monitor when this carrier has run one task for a while: its run-next slot may be stolen. */
    volatile boolean longRunning;
    /** Set by the monitor when a task waited a whole tick in {@code hot}; cleared by the owner when it finds {@code hot} empty. */
    volatile boolean hotOpen;
    /** {@link #PREEMPT} or {@link #GIVE_WAY} when the monitor asked the running coroutine to yield at its next checkpoint, else 0. */
    volatile int preemptMark;

    /** The task being run, to recognise a virtual thread resubmitting itself (yield, or a park that raced an unpark). */
    Runnable currentTask;
    /** Set around the start of a new coroutine: its first task goes to the local queue, not the run-next slot. */
    boolean spawning;
    /** Set by a preempted checkpoint: the yielding coroutine goes to the global queue. */
    boolean yieldToGlobal;
    /** Set by a yield that gives way (a checkpoint, a spawner's throttle): the yielding coroutine goes to the back of the hot queue. */
    boolean yieldToHot;
    /** The record of the Kotlin coroutine whose code runs on this thread now, set by its context element. */
    Object currentKotlin;

    private int lifoStreak;
    private int tick;
    @SuppressWarnings("unused") private volatile long tasksRun;
    @SuppressWarnings("unused") private volatile long steals;

    long sysmonSeenTasks = -1;
    long sysmonSinceNanos;
    private int sysmonSeenHead = -1;
    private long sysmonHeadSinceNanos;
    private Object sysmonSeenNext;
    private long sysmonNextSinceNanos;
    private int sysmonHotMark;

    Carrier(Scheduler scheduler, String name, boolean temporary) {
        super(null, null, name, 0, false);
        this.scheduler = scheduler;
        this.temporary = temporary;
        setDaemon(true);
    }

    @Override
    public void run() {
        for (;;) {
            if (temporary && scheduler.takeRetirement()) {
                scheduler.retired(this); // its queued work goes to the global queue
                return;
            }
            Runnable task = nextTask();
            if (task == null) {
                if (!awaitWork()) {
                    scheduler.retired(this);
                    return;
                }
            } else {
                runTask(task);
            }
        }
    }

    private Runnable nextTask() {
        if (++tick == GLOBAL_CHECK_INTERVAL) {
            tick = 0;
            Runnable task = scheduler.pollGlobal();
            if (task != null) {
                return task;
            }
        }
        Runnable next = runNext;
        if (next != null) {
            if (lifoStreak < LIFO_CAP || (queue.isEmpty() && hot.isEmpty() && !scheduler.hasGlobalWork())) {
                if (RUN_NEXT.compareAndSet(this, next, null)) {
                    lifoStreak++;
                    return next;
                }
            } else if (RUN_NEXT.compareAndSet(this, next, null)) {
                pushHot(next);
            }
        }
        lifoStreak = 0;
        Runnable task;
        if ((tick & 1) == 0) {
            task = pollHot();
            if (task == null) {
                task = queue.poll();
            }
        } else {
            task = queue.poll();
            if (task == null) {
                task = pollHot();
            }
        }
        if (task == null) {
            task = scheduler.pollGlobal();
            if (task == null) {
                task = scheduler.steal(this);
            }
        }
        return task;
    }

    /** Owner: takes the oldest hot task; finding none closes the hot queue again. */
    Runnable pollHot() {
        Runnable task = hot.poll();
        if (task == null && hotOpen) {
            hotOpen = false;
        }
        return task;
    }

    private void runTask(Runnable task) {
        currentTask = task;
        TASKS_RUN.setOpaque(this, (long) TASKS_RUN.getOpaque(this) + 1);
        if (preemptMark != 0) {
            clearPreemptMark();
        }
        if (longRunning) {
            longRunning = false;
        }
        try {
            task.run();
        } catch (Throwable t) {
            Thread.UncaughtExceptionHandler h = getUncaughtExceptionHandler();
            h.uncaughtException(this, t);
        } finally {
            currentTask = null;
        }
    }

    /** Waits for work: spins a little, then parks. Returns false when this carrier should exit. */
    private boolean awaitWork() {
        if (scheduler.tryStartSpinning()) {
            state = SPINNING;
            for (int i = 0; i < SPIN_ROUNDS; i++) {
                Runnable task = scheduler.findWork(this);
                if (task != null) {
                    state = RUNNING;
                    scheduler.stopSpinning(this, true);
                    runTask(task);
                    return true;
                }
                Thread.onSpinWait();
            }
            state = RUNNING;
            scheduler.stopSpinning(this, false);
        }
        state = IDLE;
        scheduler.becameIdle();
        if (scheduler.hasWork() && STATE.compareAndSet(this, IDLE, RUNNING)) {
            scheduler.leftIdle();
            return true;
        }
        long idleSince = System.nanoTime();
        while (state == IDLE) {
            if (scheduler.isShutdown() || (temporary && System.nanoTime() - idleSince >= TEMPORARY_KEEP_ALIVE_NANOS)) {
                if (STATE.compareAndSet(this, IDLE, RETIRED)) {
                    scheduler.leftIdle();
                    return false;
                }
            } else if (temporary) {
                LockSupport.parkNanos(this, TEMPORARY_KEEP_ALIVE_NANOS);
            } else {
                LockSupport.park(this);
            }
        }
        state = RUNNING; // a submitter moved us IDLE -> WOKEN and already counted us out of the idle set
        return true;
    }

    /** Called by a submitter that chose this idle carrier: wakes it. */
    boolean wake() {
        if (STATE.compareAndSet(this, IDLE, WOKEN)) {
            LockSupport.unpark(this);
            return true;
        }
        return false;
    }

    /**
     * Owner only: puts a woken task in the run-next slot; the task it displaces goes to the
     * hot queue.
     */
    void pushRunNext(Runnable task) {
        Runnable displaced = (Runnable) RUN_NEXT.getAndSet(this, task);
        if (displaced != null) {
            pushHot(displaced);
        }
    }

    /** Owner only: appends to the hot queue; idle carriers are signalled only if some of it spilled to the global queue (the rest is not theirs to take yet). */
    void pushHot(Runnable task) {
        if (!offerOrSpill(hot, task)) {
            scheduler.signalWork();
        }
    }

    /**
     * Owner only: a coroutine giving way goes to the back of the hot queue, and the next look
     * for work starts at the global queue. Giving way starts a new task, so it resets the
     * monitor's count of how long this carrier has been stuck; without the look, coroutines that
     * keep giving way to each other would leave injected work (a timer's wake-up) waiting for
     * {@value #GLOBAL_CHECK_INTERVAL} of their turns, and compensation would not see a stuck carrier.
     */
    void giveWay(Runnable task) {
        tick = GLOBAL_CHECK_INTERVAL - 1;
        pushHot(task);
    }

    /** Owner only: appends a yielding task to the local queue and signals idle carriers. */
    void pushLocal(Runnable task) {
        offerOrSpill(queue, task);
        scheduler.signalWork();
    }

    /**
     * Owner only: appends to {@code q}; if it is full, its older half goes to the global queue
     * first. Returns false if anything went to the global queue.
     */
    private boolean offerOrSpill(RunQueue q, Runnable task) {
        if (q.offer(task)) {
            return true;
        }
        Runnable[] half = q.drainHalf();
        if (half != null) {
            scheduler.injectBatch(half);
        }
        if (!q.offer(task)) {
            scheduler.inject(task);
        }
        return false;
    }

    /** Thief: moves half of the hot queue into {@code dst} if it is open or this carrier is stuck; returns one task to run. */
    Runnable stealHot(RunQueue dst) {
        return hotOpen || longRunning ? hot.stealInto(dst) : null;
    }

    /** Thief: takes the run-next task of a carrier that has been running one task for a while. */
    Runnable stealRunNext() {
        Runnable next = runNext;
        return next != null && longRunning && RUN_NEXT.compareAndSet(this, next, null) ? next : null;
    }

    void countSteal() {
        STEALS.setOpaque(this, (long) STEALS.getOpaque(this) + 1);
    }

    long tasksRun() {
        return (long) TASKS_RUN.getOpaque(this);
    }

    long steals() {
        return (long) STEALS.getOpaque(this);
    }

    /** Monitor: how long the task now in the run-next slot has sat there (0 if empty). */
    long runNextUnmovedFor(long now) {
        Runnable next = runNext;
        if (next != sysmonSeenNext) {
            sysmonSeenNext = next;
            sysmonNextSinceNanos = now;
        }
        return next == null ? 0 : now - sysmonNextSinceNanos;
    }

    /** Monitor: how long neither local queue's head has moved while they held tasks (0 if both are empty). */
    long queueUnmovedFor(long now) {
        int heads = queue.headIndex() + hot.headIndex();
        if (heads != sysmonSeenHead) {
            sysmonSeenHead = heads;
            sysmonHeadSinceNanos = now;
        }
        return queue.isEmpty() && hot.isEmpty() ? 0 : now - sysmonHeadSinceNanos;
    }

    /**
     * Monitor, once a tick: opens the hot queue to thieves if a task queued before the
     * previous look is still in it, unless this carrier is stuck in one task (then the task is
     * asked to give way first, see {@link Sysmon}). True if it opened it now (the caller
     * signals idle carriers).
     */
    boolean openStaleHot(boolean stuck) {
        int head = hot.headIndex();
        int mark = sysmonHotMark;
        sysmonHotMark = hot.tailIndex();
        if (!stuck && head - mark < 0 && !hotOpen) {
            hotOpen = true;
            return true;
        }
        return false;
    }

    boolean hasLocalWork() {
        return runNext != null || !queue.isEmpty() || !hot.isEmpty();
    }

    /** What a thief may take now: read by a carrier after it registered as idle. */
    boolean hasStealableWork() {
        return !queue.isEmpty()
                || ((hotOpen || longRunning) && !hot.isEmpty())
                || (longRunning && runNext != null);
    }

    /** Tasks queued in both local queues. */
    int queued() {
        return queue.size() + hot.size();
    }

    /** Monitor: asks the running coroutine to yield to the global queue at its next checkpoint (replaces a request to give way). */
    boolean markForPreemption() {
        if (PREEMPT_MARK.compareAndSet(this, 0, PREEMPT)) {
            PREEMPT_MARKS.getAndAdd(1);
            return true;
        }
        return PREEMPT_MARK.compareAndSet(this, GIVE_WAY, PREEMPT);
    }

    /** Monitor: asks the running coroutine to yield to the back of the hot queue at its next checkpoint, if nothing else was asked. */
    boolean askToGiveWay() {
        if (PREEMPT_MARK.compareAndSet(this, 0, GIVE_WAY)) {
            PREEMPT_MARKS.getAndAdd(1);
            return true;
        }
        return false;
    }

    /** Clears this carrier's preemption mark; returns what it was ({@link #PREEMPT}, {@link #GIVE_WAY} or 0). */
    int clearPreemptMark() {
        for (;;) {
            int mark = preemptMark;
            if (mark == 0) {
                return 0;
            }
            if (PREEMPT_MARK.compareAndSet(this, mark, 0)) {
                PREEMPT_MARKS.getAndAdd(-1);
                return mark;
            }
        }
    }

    String stateName() {
        return switch (state) {
            case RUNNING -> "RUNNING";
            case SPINNING -> "SPINNING";
            case IDLE, WOKEN -> "IDLE";
            default -> "RETIRED";
        };
    }

    private static final VarHandle STATE;
    private static final VarHandle RUN_NEXT;
    private static final VarHandle PREEMPT_MARK;
    private static final VarHandle PREEMPT_MARKS;
    private static final VarHandle TASKS_RUN;
    private static final VarHandle STEALS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Carrier.class, "state", int.class);
            RUN_NEXT = l.findVarHandle(Carrier.class, "runNext", Runnable.class);
            PREEMPT_MARK = l.findVarHandle(Carrier.class, "preemptMark", int.class);
            PREEMPT_MARKS = l.findStaticVarHandle(Carrier.class, "preemptMarks", int.class);
            TASKS_RUN = l.findVarHandle(Carrier.class, "tasksRun", long.class);
            STEALS = l.findVarHandle(Carrier.class, "steals", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
