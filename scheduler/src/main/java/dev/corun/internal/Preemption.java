package dev.corun.internal;

/**
 * Yield points of the preemptive scheduler. The fast path is one volatile read of a counter
 * that is zero unless the monitor has marked some carrier; only then does the caller look
 * up its carrier and, if that carrier is the marked one, yield to the global queue.
 */
public final class Preemption {
    private Preemption() {}

    /** {@code Co.checkpoint()} from a Java coroutine: yields if this coroutine's carrier was marked. */
    public static void checkpoint() {
        if (Carrier.preemptMarks != 0 && Thread.currentThread().isVirtual()) {
            Carrier c = Scheduler.anyCurrentCarrier();
            if (c != null && takeMark(c)) {
                Thread.yield();
                if (c.yieldToGlobal && Scheduler.anyCurrentCarrier() == c) {
                    c.yieldToGlobal = false; // the yield did not happen (pinned): nothing consumed the request
                }
            }
        }
    }

    /**
     * For Kotlin's suspend {@code checkpoint()}, on a carrier thread: true if the running
     * coroutine was marked; the caller then calls kotlinx {@code yield()}, which the scheduler
     * sends to the global queue.
     */
    public static boolean takeMarkOnCarrier() {
        return Carrier.preemptMarks != 0 && Thread.currentThread() instanceof Carrier c && takeMark(c);
    }

    private static boolean takeMark(Carrier c) {
        if (c.clearPreemptMark()) {
            c.yieldToGlobal = true;
            return true;
        }
        return false;
    }
}
