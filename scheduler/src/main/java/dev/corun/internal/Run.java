package dev.corun.internal;

import dev.corun.DeadlockException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code Co.run} (or Kotlin {@code corun}): the coroutines it started, directly or not,
 * and the thread waiting for them all.
 *
 * <p>{@code live} counts the run's coroutines that have not finished; a coroutine is counted
 * by whoever starts it, before it can run, and uncounted last thing when it ends, after it
 * has woken its joiners. {@code blocked} counts those parked on a corun primitive with no
 * timeout ({@link Waiter#beginIndefiniteWait}). With the deadlock check on, the monitor
 * declares a deadlock when {@code blocked == live > 0} holds on every look for
 * {@value #DEADLOCK_GRACE_MILLIS} ms and each member is then found in a counted wait.
 *
 * <p>{@code live} must be exact (its last decrement ends the run), so it is one atomic;
 * {@code blocked} is read by the monitor only, so it is a striped {@link LongAdder}: every
 * indefinite wait and wake-up changes it, and one shared counter bounced between the carriers
 * on every channel hand-off. Its sum is not a snapshot and may be off for a moment while waits
 * begin and end; the grace period and the per-member confirmation absorb that.
 */
public final class Run {
    static final long DEADLOCK_GRACE_MILLIS = 100;

    private final boolean deadlockChecked;
    private final Thread caller = Thread.currentThread();
    private final AtomicInteger live = new AtomicInteger();
    private final LongAdder blocked = new LongAdder();
    private final Object failureLock = new Object();
    private Throwable failure;
    private volatile DeadlockException deadlock;
    private volatile boolean done;
    /** Monitor-owned: when the run was first seen all asleep, 0 if not. */
    long suspectSinceNanos;

    Run(boolean deadlockChecked) {
        this.deadlockChecked = deadlockChecked;
    }

    boolean deadlockChecked() {
        return deadlockChecked;
    }

    void started() {
        live.incrementAndGet();
    }

    void exited() {
        if (live.decrementAndGet() == 0) {
            done = true;
            LockSupport.unpark(caller);
        }
    }

    void blocked() {
        blocked.increment();
    }

    void unblocked() {
        blocked.decrement();
    }

    /** True when every live coroutine is parked with no timeout. */
    boolean allAsleep() {
        int l = live.get();
        return l > 0 && blocked.sum() >= l && !done;
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
