package dev.corun.internal;

import dev.corun.Status;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Waiter} for blocking-style callers: a Java coroutine (its virtual thread parks and
 * frees the carrier) or a plain thread (it simply blocks). {@code Co.cancel} interrupts the
 * virtual thread; an interrupt ends the wait with {@link Status#CANCELED}. If the wait was
 * completed by someone else at the same moment, the interrupt is kept for the next wait, so a
 * cancel is never lost.
 */
public final class ThreadWaiter extends Waiter {
    private final Thread thread = Thread.currentThread();

    /** A waiter for the calling thread. */
    public ThreadWaiter(String blocker) {
        super(Coroutine.current(), blocker);
    }

    /**
     * Parks until completed, the timeout passes, or the thread is interrupted.
     *
     * @param timeoutNanos how long to wait; negative waits forever (and counts for deadlock detection)
     */
    public Status await(long timeoutNanos) {
        boolean timed = timeoutNanos >= 0;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        if (!timed) {
            beginIndefiniteWait();
        }
        for (;;) {
            Status r = result();
            if (r != null) {
                return r;
            }
            if (Thread.interrupted()) {
                if (complete(Status.CANCELED, null)) {
                    return Status.CANCELED;
                }
                Status won = awaitWinner();
                Thread.currentThread().interrupt();
                return won;
            }
            if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (complete(Status.TIMEOUT, null)) {
                        return Status.TIMEOUT;
                    }
                    return awaitWinner();
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Another party completed this waiter a moment ago; its result is being written. */
    private Status awaitWinner() {
        Status r;
        while ((r = result()) == null) {
            Thread.onSpinWait();
        }
        return r;
    }

    @Override
    public void wake() {
        LockSupport.unpark(thread);
    }
}
