package dev.corun.internal;

import dev.corun.DeadlockException;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code Co.run} (or Kotlin {@code corun}): the coroutines it started, directly or not,
 * and the thread waiting for them all.
 *
 * <p>{@code live} counts the run's coroutines that have not finished; a coroutine is counted
 * by whoever starts it, before it can run, and uncounted last thing when it ends, after it
 * has woken its joiners. Its last decrement ends the run, so it is one atomic, touched only
 * when a coroutine starts or ends. It may count ahead, never behind: a Java coroutine starting
 * children in a loop counts them in batches and keeps the unused part as credits until it ends
 * ({@link JavaCoroutine#countStart}). The run cannot end while that coroutine lives anyway, and
 * the deadlock check adds the credits of the members it finds to what it compares with this.
 *
 * <p>Waits are not counted here: a coroutine parked with no timeout on a corun primitive marks
 * only its own waiter ({@link Waiter#beginIndefiniteWait}), and the monitor's
 * {@link DeadlockCheck} finds the run's members in the coroutine table when the run looks idle.
 * The fields the check keeps here are the monitor's own; no coroutine touches them.
 */
public final class Run {
    private final boolean deadlockChecked;
    private final Thread caller = Thread.currentThread();
    private final AtomicInteger live = new AtomicInteger();
    private final Object failureLock = new Object();
    private Throwable failure;
    private volatile DeadlockException deadlock;
    private volatile boolean done;

    // ---- owned by the monitor's DeadlockCheck ----
    /** A member last seen awake: while it is alive and still not asleep, the run is not deadlocked. */
    Coroutine witness;
    /** The counted waits found by the walk in progress, or null when the run is not in it. */
    ArrayList<Waiter> found;
    /** The start credits held by the members found asleep by the walk in progress. */
    int foundCredits;
    /** The waits of the last walk that found every member asleep, or null. */
    Set<Waiter> suspected;
    /** When {@link #suspected} was taken. */
    long suspectedAtNanos;

    Run(boolean deadlockChecked) {
        this.deadlockChecked = deadlockChecked;
    }

    boolean deadlockChecked() {
        return deadlockChecked;
    }

    void started() {
        live.incrementAndGet();
    }

    /** Counts {@code n} coroutines ahead of their start. */
    void startedAhead(int n) {
        live.addAndGet(n);
    }

    void exited() {
        uncount(1);
    }

    /** Uncounts {@code n} coroutines: ended ones, or ones counted ahead and never started. */
    void uncount(int n) {
        if (live.addAndGet(-n) == 0) {
            done = true;
            LockSupport.unpark(caller);
        }
    }

    /** Coroutines of the run that have not finished. */
    int live() {
        return live.get();
    }

    /** Records an uncaught failure: the first is what {@code Co.run} throws, later ones are suppressed into it. */
    void fail(Throwable t) {
        synchronized (failureLock) {
            if (failure == null) {
                failure = t;
            } else if (failure != t) {
                failure.addSuppressed(t);
            }
        }
    }

    void declareDeadlock(DeadlockException e) {
        deadlock = e;
        LockSupport.unpark(caller);
    }

    /**
     * Blocks the calling thread until every coroutine of the run has ended or a deadlock was
     * declared. Returns false if the thread was interrupted first (its interrupt status is kept).
     */
    boolean await() {
        while (!done && deadlock == null) {
            LockSupport.park(this);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    /** After {@link #await}: the failure to throw, or null. A deadlock wraps any earlier failure as suppressed. */
    Throwable outcome() {
        Throwable f;
        synchronized (failureLock) {
            f = failure;
        }
        DeadlockException d = deadlock;
        if (d != null) {
            if (f != null) {
                d.addSuppressed(f);
            }
            return d;
        }
        return f;
    }
}
