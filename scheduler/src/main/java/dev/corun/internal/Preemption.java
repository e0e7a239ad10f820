package dev.corun.internal;

/**
 * Yield points: {@code Co.checkpoint()}, the suspend {@code checkpoint()} and every channel
 * push, pop, send and receive. The fast path is one volatile read of a counter that is zero
 * unless the monitor has marked some carrier; only then does the caller look up its carrier
 * and, if that carrier is the marked one, yield: to the global queue when the preemptive
 * scheduler's time slice ran out ({@link Carrier#PREEMPT}), to the back of its carrier's hot
 * queue when coroutines it woke have waited behind it for a tick ({@link Carrier#GIVE_WAY}).
 */
public final class Preemption {
    private Preemption() {}

    /** A yield point of a Java coroutine: yields if this coroutine's carrier was marked. */
    public static void checkpoint() {
        if (Carrier.preemptMarks != 0 && Thread.currentThread().isVirtual()) {
            Carrier c = Scheduler.anyCurrentCarrier();
            if (c != null && takeMark(c)) {
                yieldAsFlagged(c);
            }
        }
    }

    /**
     * Yields the calling virtual thread, running on {@code c}, to where {@code c}'s
     * {@code yieldTo*} flag says (the scheduler consumes the flag when it requeues the thread).
     * If the yield did not happen (a pinned thread), the flags are cleared here, or the next
     * task to yield on {@code c} would take them.
     */
    static void yieldAsFlagged(Carrier c) {
        Thread.yield();
        if (Scheduler.anyCurrentCarrier() == c) {
            c.yieldToGlobal = false;
            c.yieldToHot = false;
        }
    }

    /**
     * For Kotlin's yield points, on a carrier thread: true if the running coroutine was marked;
     * the caller then calls kotlinx {@code yield()}, which the scheduler sends where the mark
     * said.
     */
    public static boolean takeMarkOnCarrier() {
        return Carrier.preemptMarks != 0 && Thread.currentThread() instanceof Carrier c && takeMark(c);
    }

    private static boolean takeMark(Carrier c) {
        int mark = c.clearPreemptMark();
        if (mark == Carrier.PREEMPT) {
            c.yieldToGlobal = true;
        } else if (mark == Carrier.GIVE_WAY) {
            c.yieldToHot = true;
        }
        return mark != 0;
    }
}
