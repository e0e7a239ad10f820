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
 *       slot's task goes to the back of the local queue;</li>
 *   <li>its local {@link RunQueue}, then the global queue, then half of another carrier's queue.</li>
 * </ol>
 * With nothing found it spins briefly (at most half the carriers spin at once) and then parks.
 *
 * <p>Field ownership: fields without {@code volatile} are written only by this thread.
 * {@code state}, {@code runNext}, {@code preemptMark} and {@code longRunning} are shared with
 * submitters, thieves and the monitor; the {@code sysmon*} fields belong to the monitor thread.
 */
final class Carrier extends Thread {
    static final int RUNNING = 0;
    static final int SPINNING = 1;
    static final int IDLE = 2;
    static final int WOKEN = 3;
    static final int RETIRED = 4;

    private static final int LIFO_CAP = 3;
    private static final int GLOBAL_CHECK_INTERVAL = 61;
    private static final int SPIN_ROUNDS = 64;
    private static final long TEMPORARY_KEEP_ALIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * Carriers marked by the preemptive scheduler, over every scheduler: the one volatile read
     * {@code Co.checkpoint()} makes when nothing is marked.
     */
    static volatile int preemptMarks;

    final Scheduler scheduler;
    final RunQueue queue = new RunQueue();
    final boolean temporary;

    volatile int state = RUNNING;
    volatile Runnable runNext;
    /** Set by the monitor when this carrier has run one task for a while: its run-next slot may be stolen. */
    volatile boolean longRunning;
    /** 1 when the monitor asked the running coroutine to yield at its next checkpoint. */
    volatile int preemptMark;

    /** The task being run, to recognise a virtual thread resubmitting itself (yield, or a park that raced an unpark). */
    Runnable currentTask;
    /** Set around the start of a new coroutine: its first task goes to the local queue, not the run-next slot. */
    boolean spawning;
    /** Set by a preempted checkpoint: the yielding coroutine goes to the global queue. */
    boolean yieldToGlobal;
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
            if (lifoStreak < LIFO_CAP || (queue.isEmpty() && !scheduler.hasGlobalWork())) {
                if (RUN_NEXT.compareAndSet(this, next, null)) {
                    lifoStreak++;
                    return next;
                }
            } else if (RUN_NEXT.compareAndSet(this, next, null)) {
                pushLocal(next);
            }
        }
        lifoStreak = 0;
        Runnable task = queue.poll();
        if (task == null) {
            task = scheduler.pollGlobal();
            if (task == null) {
                task = scheduler.steal(this);
            }
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

    /** Owner only: puts a woken task in the run-next slot; the task it displaces goes to the local queue. */
    void pushRunNext(Runnable task) {
        Runnable displaced = (Runnable) RUN_NEXT.getAndSet(this, task);
        if (displaced != null) {
            pushLocal(displaced);
        }
    }

    /** Owner only: appends to the local queue (half of it spills to the global queue when full) and signals idle carriers. */
    void pushLocal(Runnable task) {
        if (!queue.offer(task)) {
            Runnable[] half = queue.drainHalf();
            if (half != null) {
                scheduler.injectBatch(half);
            }
            if (!queue.offer(task)) {
                scheduler.inject(task);
                return;
            }
        }
        scheduler.signalWork();
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

    /** Monitor: how long the local queue's head has not moved while it held tasks (0 if empty). */
    long queueUnmovedFor(long now) {
        int head = queue.headIndex();
        if (head != sysmonSeenHead) {
            sysmonSeenHead = head;
            sysmonHeadSinceNanos = now;
        }
        return queue.isEmpty() ? 0 : now - sysmonHeadSinceNanos;
    }

    boolean hasLocalWork() {
        return runNext != null || !queue.isEmpty();
    }

    /** Monitor: asks the running coroutine to yield at its next checkpoint. */
    boolean markForPreemption() {
        if (PREEMPT_MARK.compareAndSet(this, 0, 1)) {
            PREEMPT_MARKS.getAndAdd(1);
            return true;
        }
        return false;
    }

    /** Clears this carrier's preemption mark; true if it was set. */
    boolean clearPreemptMark() {
        if (PREEMPT_MARK.compareAndSet(this, 1, 0)) {
            PREEMPT_MARKS.getAndAdd(-1);
            return true;
        }
        return false;
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
