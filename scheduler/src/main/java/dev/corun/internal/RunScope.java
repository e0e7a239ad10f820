package dev.corun.internal;

/**
 * What a run's deadlock check can see of one primitive (a channel, a wait group): everything,
 * as long as only coroutines of the run that created it have used it. A primitive created
 * outside any run, or used once by a plain thread or a coroutine of another run, can be fed
 * from outside at any moment, so waits on it are not counted as asleep: a deadlock there goes
 * unreported rather than misreported.
 */
public final class RunScope {
    private final Run home;
    private volatile boolean escaped;

    /** The scope of a primitive created by the calling code. */
    public RunScope() {
        Coroutine c = Coroutine.current();
        home = c == null ? null : c.run;
        escaped = home == null;
    }

    /** Every operation on the primitive reports here, with its waiter if it is about to wait. */
    public void touch(Waiter waiting) {
        if (!escaped) {
            Coroutine c = Coroutine.current();
            if (c == null || c.run != home) {
                escaped = true;
            }
        }
        if (waiting != null && escaped) {
            waiting.dependsOutsideRun();
        }
    }
}
