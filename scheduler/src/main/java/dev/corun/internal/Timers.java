package dev.corun.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timer of timed corun waits in Kotlin coroutines: one daemon thread that completes a
 * waiter with TIMEOUT when its time is up. The timeout goes through the waiter's own claim, like
 * any other completion, so an event and a timeout arriving together cannot both win (kotlinx's
 * {@code withTimeoutOrNull} would cancel a wait that had already succeeded and drop its result).
 * Java coroutines and threads time out with {@code LockSupport.parkNanos} instead.
 */
final class Timers {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "corun-timer");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private Timers() {}

    static ScheduledFuture<?> schedule(long nanos, Runnable action) {
        return TIMER.schedule(action, nanos, TimeUnit.NANOSECONDS);
    }
}
