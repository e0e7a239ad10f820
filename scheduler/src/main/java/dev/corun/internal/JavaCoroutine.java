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

    private final CoRunnable body;

    JavaCoroutine(long cid, long pcid, Run run, CoRunnable body) {
        super(cid, pcid, run);
        this.body = body;
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
