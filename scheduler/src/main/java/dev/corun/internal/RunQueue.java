package dev.corun.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A carrier's local run queue: a bounded ring that only its owner pushes to, and that its
 * owner takes from one at a time while other carriers steal half of it (Go's {@code runq},
 * Tokio's local queue). A carrier has two: one for yielding tasks ({@value #CAPACITY} slots)
 * and one for the tasks its own code made runnable, its hot queue (see {@link Carrier}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code head} and {@code tail} only grow; only their difference is used, so int
 *       wrap-around is harmless. {@code tail - head} is between 0 and the capacity.</li>
 *   <li>{@code tail} is written only by the owner, with release semantics, after the slot it
 *       publishes. Readers acquire {@code tail} before reading slots below it.</li>
 *   <li>{@code head} moves only by CAS: by the owner taking one task or moving half to the
 *       global queue, by a thief taking a batch. Slots are read <em>before</em> the CAS, and a
 *       slot is only overwritten by the owner when {@code tail - head} is below the capacity, so
 *       what was read before a successful CAS was still in place.</li>
 * </ul>
 */
final class RunQueue {
    /** The capacity of a carrier's queue of yielding tasks. */
    static final int CAPACITY = 256;

    /** {@code slots.length - 1}; the length is a power of two. */
    private final int mask;
    private final Runnable[] slots;
    @SuppressWarnings("unused") private volatile int head;
    @SuppressWarnings("unused") private volatile int tail;

    RunQueue() {
        this(CAPACITY);
    }

    /** A queue of {@code capacity} slots, a power of two. */
    RunQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two of at least 2, got " + capacity);
        }
        slots = new Runnable[capacity];
        mask = capacity - 1;
    }

    /** Owner only. Returns false when the ring is full; the caller then calls {@link #drainHalf}. */
    boolean offer(Runnable task) {
        int t = (int) TAIL.getOpaque(this);
        if (t - (int) HEAD.getAcquire(this) > mask) {
            return false;
        }
        slots[t & mask] = task;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** Owner only: takes the oldest task, or null. */
    Runnable poll() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (h == t) {
                return null;
            }
            Runnable task = slots[h & mask];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                slots[h & mask] = null; // owner-only write; thieves have moved past this slot
                return task;
            }
        }
    }

    /**
     * Owner only, when {@link #offer} failed: takes the older half of the ring out, so the
     * caller can hand it to the global queue. Returns null if thieves emptied it meanwhile.
     */
    Runnable[] drainHalf() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            int n = (t - h) / 2;
            if (n == 0) {
                return null;
            }
            Runnable[] batch = new Runnable[n];
            for (int i = 0; i < n; i++) {
                batch[i] = slots[(h + i) & mask];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                return batch;
            }
        }
    }

    /**
     * Thief: moves half of this queue (rounded up, at most half of {@code dst}'s capacity) into
     * {@code dst}, the thief's own queue, which must be empty, and returns one of the moved
     * tasks to run now; null if nothing to take.
     */
    Runnable stealInto(RunQueue dst) {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            if (n <= 0) {
                return null;
            }
            if (n > slots.length) {
                continue; // head and tail read at different moments; read again
            }
            n = Math.min(n - n / 2, dst.slots.length / 2);
            int dt = (int) TAIL.getOpaque(dst);
            for (int i = 0; i < n; i++) {
                dst.slots[(dt + i) & dst.mask] = slots[(h + i) & mask];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                int last = (dt + n - 1) & dst.mask;
                Runnable task = dst.slots[last];
                dst.slots[last] = null;
                if (n > 1) {
                    TAIL.setRelease(dst, dt + n - 1);
                }
                return task;
            }
        }
    }

    /** Any thread: an estimate of the number of queued tasks. */
    int size() {
        int n = (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this);
        return Math.max(0, Math.min(n, slots.length));
    }

    /** Any thread: where the head is now; it moves each time a task is taken. */
    int headIndex() {
        return (int) HEAD.getAcquire(this);
    }

    /** Any thread: where the tail is now; it moves each time a task is queued. */
    int tailIndex() {
        return (int) TAIL.getAcquire(this);
    }

    boolean isEmpty() {
        return (int) TAIL.getAcquire(this) == (int) HEAD.getAcquire(this);
    }

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(RunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(RunQueue.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
