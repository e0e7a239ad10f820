package dev.corun.internal;

import dev.corun.CoRunnable;

/**
 * A Java coroutine: the record is also its virtual thread's {@link Runnable} and that thread's
 * {@link Thread.UncaughtExceptionHandler}, so {@link Coroutine#current()} finds the record from
 * inside the virtual thread with one field read, and nothing per coroutine is spent on a
 * thread-local.
 */
final class JavaCoroutine extends Coroutine implements Runnable, Thread.UncaughtExceptionHandler {
    private static final System.Logger LOG = System.getLogger("dev.corun");

    /** Starts it counted ahead in its run: {@link Run#startedAhead}. */
    private static final int START_CREDITS = 64;

    private final CoRunnable body;
    /**
     * Starts of its children counted ahead in its run and not used yet; -1 once it has started
     * one child (counted on its own), 0 before. Written by its own thread only; the int fits in
     * the record's padding (still 56 bytes).
     */
    private int startCredits;

    JavaCoroutine(long cid, long pcid, Run run, CoRunnable body) {
        super(cid, pcid, run);
        this.body = body;
    }

    /**
     * Counts a child it starts in its own run, from its own thread. The first start is counted
     * on its own; from the second on, the run's count is raised {@value #START_CREDITS} at a time
     * and the starts are taken from that, so a spawning loop touches the run's counter (which
     * the carriers ending its children decrement) once per {@value #START_CREDITS} starts. What
     * is unused is given back when it ends, before it is uncounted itself.
     */
    void countStart() {
        int c = startCredits;
        if (c > 0) {
            startCredits = c - 1;
        } else if (c == 0) {
            run.started();
            startCredits = -1;
        } else {
            run.startedAhead(START_CREDITS);
            startCredits = START_CREDITS - 1;
        }
    }

    @Override
    int startCredits() {
        return Math.max(0, startCredits);
    }

    @Override
    void returnStartCredits() {
        int c = startCredits;
        if (c > 0) {
            startCredits = -1;
            run.uncount(c);
        }
    }

    /** The body of the virtual thread. */
    @Override
    public void run() {
        Throwable failure = null;
        try {
            body.run();
        } catch (Throwable t) {
            failure = t;
        }
        finish(failure);
    }

    /** Should not happen: the body catches everything. Reported rather than lost. */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        LOG.log(System.Logger.Level.ERROR, "Exception escaped coroutine " + cid, e);
    }
}
