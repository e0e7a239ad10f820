package dev.corun.channels;

import dev.corun.Status;
import dev.corun.internal.Blocking;
import dev.corun.internal.RunScope;
import dev.corun.internal.ThreadWaiter;
import dev.corun.internal.Waiter;
import dev.corun.internal.WaiterQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Swoole's {@code WaitGroup} (Go's {@code sync.WaitGroup}): a counter of outstanding work that
 * coroutines and threads wait on until it drops to zero. Any number of waiters; Java coroutines
 * and plain threads wait with {@link #await}, Kotlin coroutines with the suspend {@code wait}.
 *
 * <pre>{@code
 * WaitGroup wg = new WaitGroup();
 * for (String url : urls) {
 *     wg.add();
 *     Co.go(() -> {
 *         try { results.put(url, fetch(url)); } finally { wg.done(); }
 *     });
 * }
 * wg.await();
 * }</pre>
 *
 * <p>Misuse fails loudly and changes nothing: a count that would go below zero
 * ({@code done()} more often than {@code add()}) throws an {@link IllegalStateException}.
 * A group can be reused once its count is back to zero, as in Go.
 *
 * <p>Implementation: the count and the queue of waiters live under the group's monitor; the
 * {@code add} that brings the count to zero claims every waiter there and wakes them after
 * releasing it.
 */
public class WaitGroup {
    private int count;
    private final WaiterQueue waiters = new WaiterQueue();
    private final RunScope scope = new RunScope();

    public WaitGroup() {}

    /** A group whose count starts at {@code initial} (Swoole's {@code new WaitGroup($delta)}). */
    public WaitGroup(int initial) {
        add(initial);
    }

    /** Adds one piece of outstanding work. */
    public void add() {
        add(1);
    }

    /**
     * Adds {@code delta} (may be negative) to the count; waiters are released when it reaches zero.
     *
     * @throws IllegalStateException if the count would go below zero
     */
    public void add(int delta) {
        scope.touch(null);
        List<Waiter> woken = null;
        synchronized (this) {
            long next = (long) count + delta;
            if (next < 0) {
                throw new IllegalStateException("WaitGroup count would become " + next
                        + ": done() or add(negative) was called more often than add(); count stays " + count);
            }
            if (next > Integer.MAX_VALUE) {
                throw new IllegalStateException("WaitGroup count overflow: " + count + " + " + delta);
            }
            count = (int) next;
            if (count == 0 && !waiters.isEmpty()) {
                woken = new ArrayList<>();
                Waiter w;
                while ((w = waiters.poll()) != null) {
                    if (w.claim(Status.OK, null)) {
                        woken.add(w);
                    }
                }
            }
        }
        if (woken != null) {
            for (Waiter w : woken) {
                w.wake();
            }
        }
    }

    /**
     * One piece of work is finished: {@code add(-1)}.
     *
     * @throws IllegalStateException if called more often than {@link #add()}
     */
    public void done() {
        add(-1);
    }

    /** The outstanding count now. */
    public synchronized int count() {
        return count;
    }

    /** Waits until the count is zero. Returns OK, or CANCELED if {@code Co.cancel} woke the caller. */
    public Status await() {
        return await(null);
    }

    /** Waits at most {@code timeout} (null or negative: forever) until the count is zero: OK, TIMEOUT or CANCELED. */
    public Status await(Duration timeout) {
        Blocking.check("WaitGroup.await()", "wait()");
        long nanos = Channel.nanos(timeout);
        ThreadWaiter w = nanos == 0 ? null : new ThreadWaiter("WaitGroup.await()");
        Status s = enqueue(w);
        if (s != null) {
            return s;
        }
        s = w.await(nanos);
        if (s != Status.OK) {
            forget(w);
        }
        return s;
    }

    /** OK if the count is zero now; else queues {@code w} and returns null, or TIMEOUT with no waiter. */
    Status enqueue(Waiter w) {
        scope.touch(w);
        synchronized (this) {
            if (count == 0) {
                return Status.OK;
            }
            if (w == null) {
                return Status.TIMEOUT;
            }
            waiters.add(w);
            return null;
        }
    }

    synchronized void forget(Waiter w) {
        waiters.remove(w);
    }

    @Override
    public synchronized String toString() {
        return "WaitGroup(count=" + count + ", waiters=" + waiters.size() + ")";
    }
}
