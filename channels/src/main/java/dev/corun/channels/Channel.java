package dev.corun.channels;

import dev.corun.Status;
import dev.corun.internal.Blocking;
import dev.corun.internal.Preemption;
import dev.corun.internal.RunScope;
import dev.corun.internal.ThreadWaiter;
import dev.corun.internal.Waiter;
import dev.corun.internal.WaiterQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Swoole's {@code Channel} (Go's {@code chan}): a queue between coroutines that parks a pusher
 * while it is full and a popper while it is empty. One object serves Java coroutines and plain
 * threads (blocking {@link #push}/{@link #pop}) and Kotlin coroutines (the suspend
 * {@code send}/{@code receive} extensions in {@code Channels.kt}); they can share one channel.
 *
 * <pre>{@code
 * Channel<String> ch = new Channel<>(2);
 * Co.go(() -> ch.push(fetch("a")));
 * Co.go(() -> ch.push(fetch("b")));
 * String first = ch.pop(), second = ch.pop();
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Capacity 0 is a rendezvous: a push waits for a pop to take the element. Capacity
 *       {@code n >= 1} buffers up to {@code n} elements.</li>
 *   <li>Waiting pushers and poppers are served first come, first served.</li>
 *   <li>{@link #close()} wakes every waiter: waiting pops report CLOSED, waiting pushes report
 *       CLOSED and their elements are not added. Pops then drain what is buffered and report
 *       CLOSED after that; pushes fail at once. A second close returns false.</li>
 *   <li>Null elements are refused with a {@link NullPointerException}.</li>
 *   <li>Timed operations report their outcome as a {@link Status} (OK, TIMEOUT, CLOSED,
 *       CANCELED: Swoole's 0, -1, -2, -3) in the returned value itself, so no other coroutine
 *       can overwrite it. A null or negative timeout waits forever; a zero timeout does not
 *       wait (TIMEOUT means "would have had to wait").</li>
 *   <li>{@code Co.cancel(cid)} on a coroutine parked in {@link #push} or {@link #pop} makes the
 *       call report CANCELED; the channel keeps no trace of it.</li>
 *   <li>The blocking forms fail with an {@link IllegalStateException} when called from a Kotlin
 *       coroutine on a carrier thread; use the suspend forms there.</li>
 * </ul>
 *
 * <h2>Implementation</h2>
 * A short critical section under the channel's lock (a spin lock, not the monitor: see
 * {@link #lock()}) decides every operation, as Go's {@code chan} does: a ring buffer, a queue
 * of parked receivers and one of parked senders (Swoole's consumer and producer queues).
 * Invariants: receivers wait only while nothing is buffered, senders only while the buffer is
 * full (a rendezvous channel's buffer is always full); a waiter leaves its queue when claimed,
 * or by its own side after a timeout or cancel.
 * A waiter is claimed under the lock (its element handed over atomically with the claim)
 * and woken after the lock is released, so no resumed coroutine runs inside it. Waits count
 * for the deadlock check only while the channel is used inside the run that made it
 * ({@link RunScope}). An element
 * handed to a Kotlin receiver cancelled before it could resume is given back to the channel
 * ahead of the buffer ({@link #giveBack}), so cancellation never loses an element.
 *
 * @param <T> the element type
 */
public class Channel<T> {
    /** Marks "nothing to take" from {@link #receive}. */
    static final Object EMPTY = new Object();
    /** Marks "closed and drained" from {@link #receive}. */
    static final Object CLOSED = new Object();
    /** Failed tries of a contended {@link #lock()} between two yields. */
    private static final int LOCK_SPINS = 100;

    private final int capacity;
    private final Object[] ring;
    private int head;
    private int count;
    /** Elements given back by cancelled Kotlin receivers: served before the ring. */
    private ArrayDeque<Object> givenBack;
    private final WaiterQueue receivers = new WaiterQueue();
    private final WaiterQueue senders = new WaiterQueue();
    private boolean closed;
    private final RunScope scope = new RunScope();
    /** 1 while held: see {@link #lock()}. */
    private volatile int locked;

    /**
     * @param capacity 0 for a rendezvous channel, otherwise how many elements it buffers.
     *                 Unlike Swoole (default 1) and Go/kotlinx (default 0) there is no default.
     */
    public Channel(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
        }
        this.capacity = capacity;
        this.ring = new Object[Math.max(capacity, 1)];
    }

    // ---- Java: blocking ---------------------------------------------------------------------

    /**
     * Pushes {@code element}, parking while the channel is full (on a rendezvous channel: until
     * a pop takes it). Returns true once the element is in, false if the channel is closed or
     * the wait was cancelled; {@link #push(Object, Duration)} tells those apart.
     */
    public boolean push(T element) {
        return push(element, null) == Status.OK;
    }

    /** Pushes {@code element}, waiting at most {@code timeout}. Returns OK, TIMEOUT, CLOSED or CANCELED. */
    public Status push(T element, Duration timeout) {
        Objects.requireNonNull(element, "Channel elements must not be null");
        Blocking.check("Channel.push()", "send()");
        Preemption.checkpoint();
        long nanos = nanos(timeout);
        // A push that looks like it will wait skips the try without a waiter: the one with it decides.
        if (nanos == 0 || !looksFull()) {
            Status s = send(element, null);
            if (s != Status.TIMEOUT || nanos == 0) {
                return s;
            }
        }
        ThreadWaiter w = new ThreadWaiter("Channel.push()");
        Status s = send(element, w);
        if (s != null) {
            return s;
        }
        s = w.await(nanos);
        if (s == Status.TIMEOUT || s == Status.CANCELED) {
            forget(w);
        }
        return s;
    }

    /**
     * Pops the oldest element, parking while the channel is empty. Returns null when the channel
     * is closed and drained, or when the wait was cancelled; {@link #pop(Duration)} tells those apart.
     */
    public T pop() {
        return pop(null).value();
    }

    /** Pops the oldest element, waiting at most {@code timeout}; the result carries the element or why there is none. */
    public Result<T> pop(Duration timeout) {
        Blocking.check("Channel.pop()", "receive()");
        Preemption.checkpoint();
        long nanos = nanos(timeout);
        Object r = nanos != 0 && looksEmpty() ? EMPTY : receive(null); // as in push
        if (r == EMPTY && nanos != 0) {
            ThreadWaiter w = new ThreadWaiter("Channel.pop()");
            r = receive(w);
            if (r == EMPTY) {
                Status s = w.await(nanos);
                if (s == Status.OK) {
                    return Result.ok(cast(w.value()));
                }
                if (s != Status.CLOSED) {
                    forget(w);
                }
                return Result.failed(s);
            }
        }
        return r == EMPTY ? Result.timeout() : r == CLOSED ? Result.closed() : Result.ok(cast(r));
    }

    // ---- Java and Kotlin: non-blocking -------------------------------------------------------

    /** Pushes without waiting: OK, CLOSED, or TIMEOUT when it would have had to wait. */
    public Status trySend(T element) {
        Objects.requireNonNull(element, "Channel elements must not be null");
        return send(element, null);
    }

    /** Pops without waiting: the element, or TIMEOUT when empty, or CLOSED when closed and drained. */
    public Result<T> tryReceive() {
        Object r = receive(null);
        return r == EMPTY ? Result.timeout() : r == CLOSED ? Result.closed() : Result.ok(cast(r));
    }

    // ---- closing and figures -------------------------------------------------------------------

    /**
     * Closes the channel and wakes every waiter (see the class comment). Returns false if it was
     * already closed.
     */
    public boolean close() {
        List<Waiter> woken = new ArrayList<>();
        lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            claimAll(receivers, woken);
            claimAll(senders, woken);
        } finally {
            unlock();
        }
        for (Waiter w : woken) {
            w.wake();
        }
        return true;
    }

    private static void claimAll(WaiterQueue q, List<Waiter> woken) {
        Waiter w;
        while ((w = q.poll()) != null) {
            if (w.claim(Status.CLOSED, null)) {
                woken.add(w);
            }
        }
    }

    public boolean isClosed() {
        lock();
        try {
            return closed;
        } finally {
            unlock();
        }
    }

    /** Elements buffered now. */
    public int length() {
        lock();
        try {
            return count + (givenBack == null ? 0 : givenBack.size());
        } finally {
            unlock();
        }
    }

    public boolean isEmpty() {
        return length() == 0;
    }

    /** True when a push would wait (always, on a rendezvous channel with no waiting pop). */
    public boolean isFull() {
        lock();
        try {
            return count >= capacity && receivers.isEmpty();
        } finally {
            unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Swoole's {@code Channel::stats()}: coroutines parked in pop and in push, and elements buffered. */
    public Stats stats() {
        lock();
        try {
            return new Stats(receivers.size(), senders.size(), count + (givenBack == null ? 0 : givenBack.size()));
        } finally {
            unlock();
        }
    }

    /**
     * Swoole's {@code stats()} array.
     *
     * @param consumerNum waiters parked in pop / receive
     * @param producerNum waiters parked in push / send
     * @param queueNum    elements buffered
     */
    public record Stats(int consumerNum, int producerNum, int queueNum) {}

    @Override
    public String toString() {
        return "Channel(capacity=" + capacity + ", " + stats() + (isClosed() ? ", closed)" : ")");
    }

    // ---- the core: decided under the lock, woken after -----------------------------------------

    /**
     * Sends {@code element}: hands it to the oldest waiting receiver, or buffers it, or queues
     * {@code waiting} offering it and returns null; with no waiter, returns TIMEOUT instead of
     * waiting. CLOSED if closed.
     */
    Status send(Object element, Waiter waiting) {
        scope.touch(waiting);
        return sendTouched(element, waiting);
    }

    /**
     * {@link #send(Object, Waiter)} for a caller that has reported to the channel's
     * {@link RunScope} itself ({@link #touch}). A waiter already completed (cancelled before it
     * could queue) is not queued: null is returned and its completer wakes it.
     */
    Status sendTouched(Object element, Waiter waiting) {
        Waiter woken = null;
        Status s;
        lock();
        try {
            if (closed) {
                s = Status.CLOSED;
            } else if ((woken = claimFirst(receivers, element)) != null) {
                s = Status.OK;
            } else if (count < capacity) {
                ring[(head + count) % capacity] = element;
                count++;
                s = Status.OK;
            } else if (waiting != null) {
                if (!waiting.isCompleted()) {
                    waiting.offer(element);
                    senders.add(waiting);
                }
                return null;
            } else {
                s = Status.TIMEOUT;
            }
        } finally {
            unlock();
        }
        if (woken != null) {
            woken.wake();
        }
        return s;
    }

    /**
     * Receives: the oldest given-back or buffered element (refilling the buffer from the oldest
     * waiting sender), or a waiting sender's element on a rendezvous channel; {@link #CLOSED} if
     * closed and drained; otherwise {@link #EMPTY}, having queued {@code waiting} if given.
     */
    Object receive(Waiter waiting) {
        scope.touch(waiting);
        return receiveTouched(waiting);
    }

    /** {@link #receive(Waiter)} after {@link #touch}; a completed waiter is not queued, as in {@link #sendTouched}. */
    Object receiveTouched(Waiter waiting) {
        Waiter woken = null;
        Object element;
        lock();
        try {
            if (givenBack != null && !givenBack.isEmpty()) {
                element = givenBack.pollFirst();
            } else if (count > 0) {
                element = ring[head];
                woken = dropHeadAndRefill();
            } else if ((woken = claimFirst(senders, null)) != null) {
                element = woken.offered();
            } else if (closed) {
                element = CLOSED;
            } else {
                if (waiting != null && !waiting.isCompleted()) {
                    receivers.add(waiting);
                }
                element = EMPTY;
            }
        } finally {
            unlock();
        }
        if (woken != null) {
            woken.wake();
        }
        return element;
    }

    /**
     * Reports an operation about to wait with {@code waiting} to the channel's {@link RunScope}
     * (which may mark the wait as not counted for deadlock detection), for a waiter that must
     * know that before it is queued ({@link #sendTouched}, {@link #receiveTouched}).
     */
    void touch(Waiter waiting) {
        scope.touch(waiting);
    }

    /**
     * A look without the lock: true if a receive would find nothing to take. It may be stale
     * either way, so it only lets a caller that would wait anyway skip a try that would fail (the
     * locked operation with a waiter decides).
     */
    boolean looksEmpty() {
        return count == 0 && senders.isEmpty() && !closed && (givenBack == null || givenBack.isEmpty());
    }

    /** A look without the lock, as {@link #looksEmpty}: true if a send would have to wait. */
    boolean looksFull() {
        return count >= capacity && receivers.isEmpty() && !closed;
    }

    /** What {@link #registerReceive} and {@link #registerSend} did with a select's clause. */
    enum Registration {
        /** The channel was ready and the clause won the select: the operation is done. */
        FIRED,
        /** Another clause had already won: nothing was taken or given. */
        LOST,
        /** Not ready: the clause waits in the channel's queue. */
        QUEUED
    }

    /**
     * Registers a select's receive clause: if an element (or the closed state) is there, the
     * clause's claim is made first and the element is taken only if it won; otherwise the clause
     * is queued. On a rendezvous, the waiting sender is claimed before the clause: if the clause
     * then loses, the sender's element is given back to the channel (it was sent, into the channel).
     */
    Registration registerReceive(Waiter clause) {
        scope.touch(clause);
        Waiter woken = null;
        Registration r;
        lock();
        try {
            Waiter sender;
            if (givenBack != null && !givenBack.isEmpty()) {
                r = clause.claim(Status.OK, givenBack.peekFirst()) ? Registration.FIRED : Registration.LOST;
                if (r == Registration.FIRED) {
                    givenBack.pollFirst();
                }
            } else if (count > 0) {
                r = clause.claim(Status.OK, ring[head]) ? Registration.FIRED : Registration.LOST;
                if (r == Registration.FIRED) {
                    woken = dropHeadAndRefill();
                }
            } else if ((sender = senders.claimFirst(Status.OK, null, clause.waitIdentity())) != null) {
                woken = sender;
                if (clause.claim(Status.OK, sender.offered())) {
                    r = Registration.FIRED;
                } else {
                    r = Registration.LOST;
                    keepGivenBack(sender.offered());
                }
            } else if (closed) {
                r = clause.claim(Status.CLOSED, null) ? Registration.FIRED : Registration.LOST;
            } else {
                receivers.add(clause);
                r = Registration.QUEUED;
            }
        } finally {
            unlock();
        }
        if (woken != null) {
            woken.wake();
        }
        return r;
    }

    /**
     * Registers a select's send clause: if a receiver waits or the buffer has room (or the
     * channel is closed), the clause's claim is made first and the element is given only if it
     * won; otherwise the clause is queued offering the element.
     */
    Registration registerSend(Waiter clause, Object element) {
        scope.touch(clause);
        Waiter woken = null;
        Registration r;
        lock();
        try {
            if (closed) {
                r = clause.claim(Status.CLOSED, null) ? Registration.FIRED : Registration.LOST;
            } else if (receivers.hasWaitingOtherThan(clause.waitIdentity()) || count < capacity) {
                if (!clause.claim(Status.OK, null)) {
                    r = Registration.LOST;
                } else {
                    r = Registration.FIRED;
                    woken = receivers.claimFirst(Status.OK, element, clause.waitIdentity());
                    if (woken == null) {
                        if (count < capacity) {
                            ring[(head + count) % capacity] = element;
                            count++;
                        } else {
                            keepGivenBack(element); // the receiver seen a moment ago gave up meanwhile
                        }
                    }
                }
            } else {
                clause.offer(element);
                senders.add(clause);
                r = Registration.QUEUED;
            }
        } finally {
            unlock();
        }
        if (woken != null) {
            woken.wake();
        }
        return r;
    }

    /** Given-back elements are served before the buffer, among themselves in the order they came back. */
    private void keepGivenBack(Object element) {
        if (givenBack == null) {
            givenBack = new ArrayDeque<>(2);
        }
        givenBack.addLast(element);
    }

    /**
     * Under the lock, once the buffer's head element has been taken: removes it and moves the
     * oldest waiting sender's element into the freed slot. Returns that sender, to wake.
     */
    private Waiter dropHeadAndRefill() {
        ring[head] = null;
        head = (head + 1) % capacity;
        count--;
        Waiter sender = claimFirst(senders, null);
        if (sender != null) {
            ring[(head + count) % capacity] = sender.offered();
            count++;
        }
        return sender;
    }

    /** Claims the oldest waiter still waiting, handing it {@code value}; skips those that timed out or were cancelled. */
    private static Waiter claimFirst(WaiterQueue q, Object value) {
        return q.claimFirst(Status.OK, value, null);
    }

    /** A waiter that timed out or was cancelled leaves its queue. */
    void forget(Waiter w) {
        lock();
        try {
            if (!receivers.remove(w)) {
                senders.remove(w);
            }
        } finally {
            unlock();
        }
    }

    /**
     * An element handed to a receiver that was cancelled before it could take it: it goes back
     * ahead of everything buffered, to the next waiting receiver if there is one. Closing does
     * not drop it: pops drain it like the buffer.
     */
    void giveBack(Object element) {
        Waiter woken;
        lock();
        try {
            woken = claimFirst(receivers, element);
            if (woken == null) {
                keepGivenBack(element);
            }
        } finally {
            unlock();
        }
        if (woken != null) {
            woken.wake();
        }
    }

    /**
     * Takes the channel's lock, a test-and-test-and-set spin lock (Go's {@code chan} also takes a
     * runtime lock that spins before it sleeps). Every critical section is a few field updates
     * that never block or call out (claims are CASes on waiters, wake-ups come after the
     * release), so a holder that is running releases it within tens of nanoseconds. A contended
     * acquirer spins {@value #LOCK_SPINS} times, then yields and tries again: a virtual thread
     * lets its carrier run other coroutines, a carrier or plain thread gives up its core, which
     * lets the holder run if the OS had descheduled it. Not reentrant.
     *
     * <p>Not the object's monitor, on purpose. A many-to-one channel contends on every element
     * (the receiver on one carrier, senders on another), and a contended monitor is inflated:
     * a carrier thread that loses the race parks in the OS and the holder's exit pays a futex
     * wake-up, and a virtual thread is unmounted and later resubmitted by the JDK's unblocker
     * thread through the scheduler's global queue. The fan-in benchmark (1,000 senders, one
     * receiver, capacity 1,024) took about twice as long per element that way.
     */
    private void lock() {
        if (!LOCKED.compareAndSet(this, 0, 1)) {
            lockContended();
        }
    }

    private void lockContended() {
        for (int spins = 0; ; ) {
            if (locked == 0 && LOCKED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (++spins < LOCK_SPINS) {
                Thread.onSpinWait();
            } else {
                spins = 0;
                Thread.yield();
            }
        }
    }

    private void unlock() {
        LOCKED.setRelease(this, 0);
    }

    static long nanos(Duration timeout) {
        return timeout == null || timeout.isNegative() ? -1 : timeout.toNanos();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(Channel.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The outcome of a pop: the element when {@link #status()} is OK, otherwise null and why.
     *
     * <pre>{@code
     * Channel.Result<String> r = ch.pop(Duration.ofMillis(500));
     * switch (r.status()) {
     *     case OK -> handle(r.value());
     *     case TIMEOUT -> retry();
     *     case CLOSED, CANCELED -> stop();
     * }
     * }</pre>
     *
     * @param status OK, TIMEOUT, CLOSED or CANCELED
     * @param value  the element, or null unless OK
     * @param <T>    the element type
     */
    public record Result<T>(Status status, T value) {
        private static final Result<?> TIMEOUT = new Result<>(Status.TIMEOUT, null);
        private static final Result<?> CLOSED = new Result<>(Status.CLOSED, null);
        private static final Result<?> CANCELED = new Result<>(Status.CANCELED, null);

        static <T> Result<T> ok(T value) {
            return new Result<>(Status.OK, value);
        }

        @SuppressWarnings("unchecked")
        static <T> Result<T> timeout() {
            return (Result<T>) TIMEOUT;
        }

        @SuppressWarnings("unchecked")
        static <T> Result<T> closed() {
            return (Result<T>) CLOSED;
        }

        @SuppressWarnings("unchecked")
        static <T> Result<T> failed(Status s) {
            return (Result<T>) switch (s) {
                case TIMEOUT -> TIMEOUT;
                case CLOSED -> CLOSED;
                case CANCELED -> CANCELED;
                case OK -> throw new IllegalArgumentException("OK carries a value");
            };
        }

        public boolean isOk() {
            return status == Status.OK;
        }

        /** The element if OK, otherwise the result of {@code orElse} applied to the status. */
        public T valueOr(Function<Status, T> orElse) {
            return isOk() ? value : orElse.apply(status);
        }
    }
}
