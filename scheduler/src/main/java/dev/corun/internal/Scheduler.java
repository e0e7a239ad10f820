package dev.corun.internal;

import dev.corun.CoStats;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import kotlin.coroutines.CoroutineContext;
import kotlinx.coroutines.CoroutineDispatcher;

/**
 * corun's M:N scheduler: a fixed set of {@link Carrier} threads (plus temporary ones started
 * by compensation) that run virtual-thread continuations and Kotlin coroutines alike. One
 * object is both the {@link Executor} the Java coroutines' virtual threads are scheduled on and
 * the {@link CoroutineDispatcher} of the Kotlin coroutines.
 *
 * <h2>Where a task goes</h2>
 * <ul>
 *   <li>From outside the carriers (timers, the JDK's I/O poller, plain threads): the global
 *       injection queue, then one idle carrier is woken.</li>
 *   <li>From code running on a carrier: a woken coroutine goes to that carrier's run-next
 *       slot (the waker is usually about to park), and the one it displaces to the carrier's
 *       hot queue, as does a new coroutine; thieves take from the hot queue only once the
 *       monitor has opened it, and pushing there wakes no idle carrier (see {@link Carrier}).
 *       A yielding coroutine goes to the back of the local queue, and an idle carrier is woken
 *       to steal if there is one; a preempted one goes to the global queue. A Java coroutine
 *       that spawns while its carrier's hot queue holds {@value #SPAWN_BACKLOG} tasks yields
 *       after the spawn (see {@link #spawn(Thread)}).</li>
 * </ul>
 * Inside a virtual thread {@link Thread#currentThread()} is the virtual thread, so the carrier
 * is found through {@link VirtualThreads#carrierOf}; a virtual thread that resubmits itself
 * (it yielded, or its park raced an unpark) is recognised by being its carrier's current task.
 *
 * <h2>Idle carriers and lost wake-ups</h2>
 * A submitter publishes its task, then (after a full fence) reads the spinning and idle
 * counts; a carrier going idle increments the idle count (a full fence), then looks at every
 * queue once more before parking. One of the two always sees the other. A hot queue's task
 * becomes stealable without a submit, when the monitor opens the queue: the monitor then
 * signals as a submitter would.
 *
 * <h2>Stuck carriers</h2>
 * The monitor ({@link Sysmon}) watches each carrier's task counter. A carrier that keeps one
 * task has its run-next slot opened to thieves and idle carriers woken; past the slice its
 * coroutine is marked for preemption; past {@code compensateAfter}, while work waits and no
 * carrier is free, a temporary carrier is started (at most {@code maxExtraCarriers}), which
 * retires after being idle for a while.
 */
public final class Scheduler extends CoroutineDispatcher implements Executor {
    /** TRUE on a thread inside {@link #spawnHere}, until the virtual thread's first run is taken. */
    private static final ThreadLocal<Boolean> RUN_HERE = new ThreadLocal<>();

    /** Tasks in its carrier's hot queue past which a spawning Java coroutine yields (see {@link #spawn(Thread)}). */
    static final int SPAWN_BACKLOG = 128;

    private final String name;
    private final ConcurrentLinkedQueue<Runnable> global = new ConcurrentLinkedQueue<>();
    private final AtomicInteger spinning = new AtomicInteger();
    private final AtomicInteger idle = new AtomicInteger();
    private final AtomicInteger temporaryAlive = new AtomicInteger();
    /** Temporary carriers the monitor wants gone: each takes one request between two tasks and retires. */
    private final AtomicInteger retireRequests = new AtomicInteger();
    private final AtomicLong temporaryStarted = new AtomicLong();
    private final AtomicLong preemptions = new AtomicLong();
    private final Object carriersLock = new Object();
    private final int parallelism;
    private volatile Carrier[] carriers = new Carrier[0];
    private volatile boolean shutdown;
    private int carrierSeq;

    public Scheduler(String name, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.name = name;
        this.parallelism = parallelism;
        synchronized (carriersLock) {
            for (int i = 0; i < parallelism; i++) {
                addCarrier(false);
            }
        }
    }

    public int parallelism() {
        return parallelism;
    }

    // ---- submission -------------------------------------------------------------------------

    /** Schedules a virtual thread's continuation (start, unpark, yield). */
    @Override
    public void execute(Runnable task) {
        Carrier c = currentCarrier();
        if (c == null) {
            // isVirtual first: a get on a virtual thread would give it a thread-local map
            if (!Thread.currentThread().isVirtual() && RUN_HERE.get() == Boolean.TRUE) {
                RUN_HERE.set(Boolean.FALSE); // only the start: a later resubmission goes to the carriers
                task.run();
            } else {
                inject(task);
            }
        } else if (c.spawning) {
            c.pushHot(task);
        } else if (task == c.currentTask) {
            requeueYielding(c, task);
        } else {
            c.pushRunNext(task);
        }
    }

    /** Schedules a Kotlin coroutine's resumption or start. */
    @Override
    public void dispatch(CoroutineContext context, Runnable block) {
        Carrier c = currentCarrier();
        if (c == null) {
            inject(block);
        } else {
            c.pushRunNext(block);
        }
    }

    /** Kotlin's {@code yield()}: the back of the local queue, the global queue when preempted, the hot queue when giving way. */
    @Override
    public void dispatchYield(CoroutineContext context, Runnable block) {
        Carrier c = currentCarrier();
        if (c == null) {
            inject(block);
        } else {
            requeueYielding(c, block);
        }
    }

    /**
     * A task of {@code c} that yields: to the global queue when preempted, to the back of the
     * hot queue when giving way (as the yield point's flag says), else to the back of the local
     * queue.
     */
    private void requeueYielding(Carrier c, Runnable task) {
        if (c.yieldToGlobal) {
            c.yieldToGlobal = false;
            preemptions.incrementAndGet();
            inject(task);
        } else if (c.yieldToHot) {
            c.yieldToHot = false;
            c.giveWay(task);
        } else {
            c.pushLocal(task);
        }
    }

    /**
     * Queues the first task of a new coroutine: the back of the carrier's hot queue (not the
     * run-next slot meant for woken coroutines; other carriers take it once the monitor opens
     * that queue), or the global queue from elsewhere. For a starter that has the task itself
     * (a Kotlin coroutine's first run) and no start code to run.
     */
    public void spawnTask(Runnable task) {
        Carrier c = currentCarrier();
        if (c == null) {
            inject(task);
        } else {
            c.pushHot(task);
        }
    }

    /**
     * Starts the virtual thread of a new Java coroutine; its first task goes where
     * {@link #spawnTask} puts one (the start is marked {@code spawning} for {@link #execute}). If the caller
     * is a Java coroutine and its carrier's hot queue holds {@value #SPAWN_BACKLOG} tasks, the
     * caller then yields to the back of that queue, so the carrier runs what it spawned before
     * it spawns more, and the spawner stays on this carrier with its output (a plain yield goes
     * to the local queue, where another carrier would take the spawner away from it).
     *
     * <p>Without this a coroutine spawning in a loop outruns the carriers that run its output:
     * the overflow goes to the global queue, and hundreds of thousands of started coroutines
     * that have not run yet stay alive (a peak of 330,000 while spawning a million), every young
     * GC copies them (2.2 s of pauses per 10 million spawned against 0.08 s with the yield),
     * and each runs long after its objects left the cache. The spawner was also one long task,
     * which the monitor took for a stuck carrier. Swoole's {@code go} runs the new coroutine at
     * once; here the spawner gives way only when its carrier falls behind. A
     * Kotlin spawner cannot be suspended inside {@code go { }} and is not throttled.
     */
    void spawn(Thread coroutine) {
        Carrier c = currentCarrier();
        if (c == null) {
            coroutine.start();
            return;
        }
        boolean outer = c.spawning;
        c.spawning = true;
        try {
            coroutine.start();
        } finally {
            c.spawning = outer;
        }
        if (c.hot.size() >= SPAWN_BACKLOG && Thread.currentThread().isVirtual()) {
            c.yieldToHot = true;
            Preemption.yieldAsFlagged(c);
        }
    }

    /**
     * Starts a Java coroutine's virtual thread with its first run on the calling thread, a
     * platform thread that is not a carrier (a server's reactor): it runs there until it first
     * parks or yields, and on the carriers from then on, as a Kotlin coroutine started
     * {@code UNDISPATCHED} does. A handler that answers before it parks then costs no thread
     * switch. Called from a carrier or a virtual thread, it is {@link #spawn}.
     */
    void spawnHere(Thread coroutine) {
        if (Thread.currentThread().isVirtual() || currentCarrier() != null) {
            spawn(coroutine);
            return;
        }
        RUN_HERE.set(Boolean.TRUE);
        try {
            coroutine.start(); // calls execute, which runs the first run here
        } finally {
            RUN_HERE.set(Boolean.FALSE);
        }
    }

    /** The carrier of this scheduler running the calling code, or null. */
    Carrier currentCarrier() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            t = VirtualThreads.carrierOf(t);
        }
        return t instanceof Carrier c && c.scheduler == this ? c : null;
    }

    /** The carrier running the calling code, of any scheduler, or null. */
    static Carrier anyCurrentCarrier() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            t = VirtualThreads.carrierOf(t);
        }
        return t instanceof Carrier c ? c : null;
    }

    void inject(Runnable task) {
        global.offer(task);
        signalWork();
    }

    void injectBatch(Runnable[] tasks) {
        global.addAll(Arrays.asList(tasks));
    }

    /** Wakes an idle carrier if work was published and nobody is looking for it. */
    void signalWork() {
        VarHandle.fullFence();
        if (spinning.get() == 0 && idle.get() > 0) {
            wakeOne();
        }
    }

    private void wakeOne() {
        for (Carrier c : carriers) {
            if (c.state == Carrier.IDLE && c.wake()) {
                idle.decrementAndGet();
                return;
            }
        }
    }

    // ---- finding work -----------------------------------------------------------------------

    Runnable pollGlobal() {
        return global.poll();
    }

    boolean hasGlobalWork() {
        return !global.isEmpty();
    }

    /** The task at the head of the global queue, or null; for the monitor's starvation check. */
    Runnable peekGlobal() {
        return global.peek();
    }

    /** Global queue, then half of another carrier's queue (its hot queue if open, the run-next task of a stuck one). */
    Runnable findWork(Carrier thief) {
        Runnable task = global.poll();
        return task != null ? task : steal(thief);
    }

    Runnable steal(Carrier thief) {
        Carrier[] cs = carriers;
        int n = cs.length;
        if (n < 2 || !thief.queue.isEmpty()) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Carrier victim = cs[(start + i) % n];
            if (victim == thief) {
                continue;
            }
            Runnable task = victim.queue.stealInto(thief.queue);
            if (task == null) {
                task = victim.stealHot(thief.queue);
            }
            if (task == null) {
                task = victim.stealRunNext();
            }
            if (task != null) {
                thief.countSteal();
                return task;
            }
        }
        return null;
    }

    /** Anything runnable anywhere: read by a carrier after it registered as idle. */
    boolean hasWork() {
        if (!global.isEmpty()) {
            return true;
        }
        for (Carrier c : carriers) {
            if (c.hasStealableWork()) {
                return true;
            }
        }
        return false;
    }

    boolean tryStartSpinning() {
        int limit = Math.max(1, carriers.length / 2);
        for (;;) {
            int s = spinning.get();
            if (s >= limit) {
                return false;
            }
            if (spinning.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** The last spinner to find work wakes another carrier if more work is visible, as Go's spinning Ms do. */
    void stopSpinning(Carrier c, boolean found) {
        if (spinning.decrementAndGet() == 0 && found && (!c.queue.isEmpty() || !global.isEmpty())) {
            signalWork();
        }
    }

    void becameIdle() {
        idle.incrementAndGet();
    }

    void leftIdle() {
        idle.decrementAndGet();
    }

    // ---- carriers ---------------------------------------------------------------------------

    private Carrier addCarrier(boolean temporary) {
        Carrier c = new Carrier(this, name + "-carrier-" + (carrierSeq++) + (temporary ? "-extra" : ""), temporary);
        Carrier[] cs = Arrays.copyOf(carriers, carriers.length + 1);
        cs[cs.length - 1] = c;
        carriers = cs;
        c.start();
        return c;
    }

    /** Monitor: starts one temporary carrier if the bound allows it. */
    boolean startTemporaryCarrier(int maxExtra) {
        synchronized (carriersLock) {
            if (shutdown || temporaryAlive.get() >= maxExtra) {
                return false;
            }
            temporaryAlive.incrementAndGet();
            temporaryStarted.incrementAndGet();
            addCarrier(true);
            return true;
        }
    }

    /** Monitor: no work has starved for a while, so one temporary carrier should go. */
    void requestRetirement() {
        if (retireRequests.get() < temporaryAlive.get()) {
            retireRequests.incrementAndGet();
        }
    }

    /** A temporary carrier between two tasks: true if it should retire now. */
    boolean takeRetirement() {
        for (;;) {
            int r = retireRequests.get();
            if (r == 0) {
                return false;
            }
            if (retireRequests.compareAndSet(r, r - 1)) {
                return true;
            }
        }
    }

    int temporaryAlive() {
        return temporaryAlive.get();
    }

    void retired(Carrier c) {
        synchronized (carriersLock) {
            List<Carrier> rest = new ArrayList<>(Arrays.asList(carriers));
            rest.remove(c);
            carriers = rest.toArray(new Carrier[0]);
            if (c.temporary) {
                temporaryAlive.decrementAndGet();
            }
        }
        // Work that reached this carrier's queues after its last look goes to the others.
        Runnable task;
        while ((task = c.queue.poll()) != null) {
            inject(task);
        }
        while ((task = c.hot.poll()) != null) {
            inject(task);
        }
        Runnable next = c.runNext;
        if (next != null) {
            c.runNext = null;
            inject(next);
        }
    }

    Carrier[] carriers() {
        return carriers;
    }

    int idleCount() {
        return idle.get();
    }

    int spinningCount() {
        return spinning.get();
    }

    /** Stops the carriers once they are idle. For schedulers made by tests and benchmarks; the runtime's lives as long as the JVM. */
    public void shutdown() {
        synchronized (carriersLock) {
            shutdown = true;
        }
        for (Carrier c : carriers) {
            java.util.concurrent.locks.LockSupport.unpark(c);
        }
    }

    boolean isShutdown() {
        return shutdown;
    }

    // ---- stats --------------------------------------------------------------------------------

    int globalQueued() {
        return global.size();
    }

    long temporaryStarted() {
        return temporaryStarted.get();
    }

    long preemptions() {
        return preemptions.get();
    }

    List<CoStats.Carrier> carrierStats() {
        List<CoStats.Carrier> out = new ArrayList<>();
        for (Carrier c : carriers) {
            out.add(new CoStats.Carrier(c.getName(), c.stateName(), c.temporary, c.tasksRun(), c.steals(), c.queued()));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "corun(" + name + ", carriers=" + carriers.length + ")";
    }
}
