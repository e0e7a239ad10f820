package dev.corun.internal;

import dev.corun.Status;

/**
 * A FIFO of {@link Waiter}s, linked through the waiters themselves (no node allocation), for
 * a primitive that guards it with its own lock: every method must be called holding that lock.
 * A waiter is in at most one queue. Waiters completed by their own side (timeout, cancel) are
 * unlinked by that side with {@link #remove}; a completer that meets one first skips it.
 */
public final class WaiterQueue {
    private Waiter head;
    private Waiter tail;
    private int size;

    public void add(Waiter w) {
        if (w.queue != null) {
            throw new IllegalStateException("waiter already queued");
        }
        w.queue = this;
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        size++;
    }

    /** Unlinks {@code w} if it is still in this queue; returns whether it was. */
    public boolean remove(Waiter w) {
        if (w.queue != this) {
            return false;
        }
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
        w.queue = null;
        size--;
        return true;
    }

    /** The oldest waiter, unlinked, or null. */
    public Waiter poll() {
        Waiter w = head;
        if (w != null) {
            remove(w);
        }
        return w;
    }

    /**
     * Claims the oldest waiter still waiting that does not belong to the wait {@code excluded}
     * (see {@link Waiter#waitIdentity}), handing it {@code value}, and unlinks it; waiters met
     * on the way that had completed are unlinked too. Null if there is none.
     */
    public Waiter claimFirst(Status status, Object value, Object excluded) {
        Waiter w = head;
        while (w != null) {
            Waiter next = w.next;
            if (w.isCompleted()) {
                remove(w);
            } else if (w.waitIdentity() != excluded) {
                remove(w);
                if (w.claim(status, value)) {
                    return w;
                }
            }
            w = next;
        }
        return null;
    }

    /** True if a waiter still waiting, not of the wait {@code excluded}, is linked. */
    public boolean hasWaitingOtherThan(Object excluded) {
        for (Waiter w = head; w != null; w = w.next) {
            if (!w.isCompleted() && w.waitIdentity() != excluded) {
                return true;
            }
        }
        return false;
    }

    /** Waiters linked now, including any completed by their own side and not yet unlinked. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return head == null;
    }
}
