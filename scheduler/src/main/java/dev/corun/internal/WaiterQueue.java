package dev.corun.internal;

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

    /** The oldest waiter still waiting, or null; completed ones met on the way are unlinked. */
    public Waiter peekWaiting() {
        Waiter w;
        while ((w = head) != null && w.isCompleted()) {
            remove(w);
        }
        return w;
    }

    /** Waiters linked now, including any completed by their own side and not yet unlinked. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return head == null;
    }
}
