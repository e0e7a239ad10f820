package dev.corun.internal;

import dev.corun.Context;
import dev.corun.ExitException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import kotlin.coroutines.jvm.internal.CoroutineStackFrame;
import kotlinx.coroutines.Job;

/**
 * The record of one coroutine, Java or Kotlin: id, parent id, start time, the run it belongs
 * to, and what is created only on use (name, {@link Context}, defers, joiners). Two kinds:
 * {@link JavaCoroutine}, which is also its virtual thread's body, and the Kotlin
 * {@code KotlinCoroutine}, which is also the context element that publishes it on the thread
 * resuming it ({@link #enterKotlin}/{@link #exitKotlin}: a carrier field on carriers, a
 * thread-local elsewhere). Each kind is one object per coroutine, which matters when a million
 * are parked.
 *
 * <p>Life cycle: created and counted (runtime, run) by the starter; registered in the table
 * before it can run; {@link #finish} runs defers, clears the context, unregisters, wakes
 * joiners and only then uncounts it from its run.
 *
 * <p>Layout: a Kotlin record is 48 bytes, a Java one 56 (with its body), so every field counts.
 * The parent id is kept as its distance below the id (an {@code int}; a parent more than 2^32
 * ids back, or none, is marked and the id kept in the extras), and "ended" is the handle
 * replaced by {@link #DONE}, not a flag of its own.
 */
public abstract class Coroutine {
    private static final System.Logger LOG = System.getLogger("dev.corun");
    private static final ThreadLocal<Coroutine> FOREIGN = new ThreadLocal<>();

    /** Created on first use: most coroutines never name, defer, join or use a context. */
    private static final class Extras {
        volatile String name;
        volatile Context context;
        ArrayDeque<Runnable> defers;
        /** Created by the first join; finish reads it after marking the coroutine ended, so a later one sees that. */
        volatile ConcurrentLinkedQueue<Join> joiners;

        synchronized ConcurrentLinkedQueue<Join> joiners() {
            if (joiners == null) {
                joiners = new ConcurrentLinkedQueue<>();
            }
            return joiners;
        }
        volatile boolean serverHandler;
        /** The parent id when it is too far below the id for {@link #parentDistance}. */
        long farPcid;
    }

    /** The handle of an ended coroutine. */
    private static final Object DONE = new Object();
    /** {@link #parentDistance} of a coroutine with no parent. */
    private static final int NO_PARENT = 0;
    /** {@link #parentDistance} of a coroutine whose parent id is in {@link Extras#farPcid}. */
    private static final int FAR_PARENT = -1;

    final long cid;
    final long startNanos;
    /**
     * {@code cid - pcid} as an unsigned int: a parent always started before its child, so it is
     * at least 1; {@link #NO_PARENT} or {@link #FAR_PARENT} otherwise.
     */
    private final int parentDistance;
    final Run run;
    /**
     * The virtual thread of a Java coroutine, the {@link Job} of a Kotlin one; null until bound,
     * {@link #DONE} once ended (written by {@link #finish}, before the joiners are woken).
     */
    private volatile Object handle;
    /**
     * The wait it is parked in, if any, set by the waiting side before it parks and cleared by
     * the claim that ends the wait: what the deadlock check reads ({@link DeadlockCheck}), the
     * back trace of a suspended Kotlin coroutine, and what its cancellation completes.
     */
    volatile Waiter waiter;
    @SuppressWarnings("unused") private volatile Extras extras;

    protected Coroutine(long cid, long pcid, Run run) {
        this.cid = cid;
        this.run = run;
        this.startNanos = System.nanoTime();
        long distance = cid - pcid;
        if (pcid < 0) {
            parentDistance = NO_PARENT;
        } else if (distance > 0 && distance < 0xFFFF_FFFFL) {
            parentDistance = (int) distance;
        } else {
            parentDistance = FAR_PARENT;
            Extras x = new Extras();
            x.farPcid = pcid;
            extras = x;
        }
    }

    /** Sets the handle before the record is published (registered in the table, or its job started). */
    void bind(Object handle) {
        HANDLE.setRelease(this, handle);
    }

    // ---- the current coroutine --------------------------------------------------------------

    /** The coroutine running the calling code, Java or Kotlin, or null outside any. */
    public static Coroutine current() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            if (t.getUncaughtExceptionHandler() instanceof JavaCoroutine co) {
                return co;
            }
        } else if (t instanceof Carrier c) {
            return (Coroutine) c.currentKotlin;
        }
        return FOREIGN.get();
    }

    /** A Kotlin coroutine is resumed on this thread: publish its record; returns what to restore. */
    public static Object enterKotlin(Coroutine co) {
        Thread t = Thread.currentThread();
        if (t instanceof Carrier c) {
            Object previous = c.currentKotlin;
            c.currentKotlin = co;
            return previous;
        }
        Coroutine previous = FOREIGN.get();
        FOREIGN.set(co);
        return previous;
    }

    /** The Kotlin coroutine suspended or finished on this thread: restore what {@link #enterKotlin} returned. */
    public static void exitKotlin(Object previous) {
        Thread t = Thread.currentThread();
        if (t instanceof Carrier c) {
            c.currentKotlin = previous;
        } else if (previous == null) {
            FOREIGN.remove();
        } else {
            FOREIGN.set((Coroutine) previous);
        }
    }

    // ---- running ----------------------------------------------------------------------------

    /**
     * Ends the coroutine: defers (LIFO), failure report, context cleared, unregistered, joiners
     * woken, uncounted from the run. Called once, on the coroutine's own thread.
     *
     * @param failure what escaped the body, or null; a Kotlin cancellation is passed as null
     */
    public void finish(Throwable failure) {
        failure = runDefers(failure);
        if (failure != null) {
            reportUncaught(failure);
        }
        Extras x = extras;
        if (x != null && x.context != null) {
            x.context.clear();
        }
        handle = DONE;
        CorunRuntime.get().ended(this);
        x = extras; // again, after done: a first joiner may have created the extras since, seen done false and queued
        if (x != null) {
            Join j;
            ConcurrentLinkedQueue<Join> q = x.joiners;
            while (q != null && (j = q.poll()) != null) {
                j.arrive();
            }
        }
        if (run != null) {
            returnStartCredits();
            run.exited();
        }
    }

    /** Starts of children counted ahead in its run and not used: {@link JavaCoroutine#countStart}. */
    int startCredits() {
        return 0;
    }

    /** Uncounts from its run what {@link #startCredits} holds; called once, as it ends. */
    void returnStartCredits() {
    }

    private Throwable runDefers(Throwable failure) {
        Extras x = extras;
        if (x == null || x.defers == null) {
            return failure;
        }
        Runnable d;
        while ((d = x.defers.pollFirst()) != null) {
            try {
                d.run();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        return failure;
    }

    private void reportUncaught(Throwable failure) {
        if (failure instanceof ExitException exit) {
            LOG.log(System.Logger.Level.DEBUG, () -> "coroutine " + cid + " exited with status " + exit.getStatus());
        } else {
            LOG.log(System.Logger.Level.ERROR, "Uncaught exception in coroutine " + cid + " (" + name()
                    + (run == null ? ")" : "); its Co.run will throw it"), failure);
        }
        if (run != null) {
            run.fail(failure);
        }
    }

    // ---- per-coroutine state ------------------------------------------------------------------

    private Extras extras() {
        Extras x = extras;
        if (x == null) {
            Extras fresh = new Extras();
            x = (Extras) EXTRAS.compareAndExchange(this, null, fresh);
            if (x == null) {
                x = fresh;
            }
        }
        return x;
    }

    public long cid() {
        return cid;
    }

    public long pcid() {
        int d = parentDistance;
        if (d == NO_PARENT) {
            return -1;
        }
        return d == FAR_PARENT ? extras.farPcid : cid - Integer.toUnsignedLong(d);
    }

    public String name() {
        Extras x = extras;
        String n = x == null ? null : x.name;
        return n != null ? n : "co-" + cid;
    }

    void name(String name) {
        extras().name = name;
    }

    public long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    public boolean isDone() {
        return handle == DONE;
    }

    Thread thread() {
        return handle instanceof Thread t ? t : null;
    }

    Job job() {
        return handle instanceof Job j ? j : null;
    }

    /**
     * Whether kotlinx children of this coroutine's job (a {@code launch} inside it, a
     * {@code coroutineScope} block) exist beside its own strand. The waits of those strands are
     * never counted, so a coroutine counted asleep while it has children is not proof of a
     * deadlock. Read by the deadlock check only, off the wait path.
     */
    boolean hasOtherStrands() {
        Job j = job();
        return j != null && j.getChildren().iterator().hasNext();
    }

    /** For the deadlock check: parked in a counted indefinite wait, with no other strand that could still run. */
    boolean isAsleep() {
        Waiter w = waiter;
        return w != null && w.isCountedWait() && !hasOtherStrands();
    }

    public Context context() {
        Extras x = extras();
        Context c = x.context;
        if (c == null) {
            synchronized (x) {
                c = x.context;
                if (c == null) {
                    c = new Context();
                    x.context = c;
                }
            }
        }
        return c;
    }

    /** Defers run on the coroutine's own thread only, so the deque needs no lock. */
    public void defer(Runnable action) {
        Extras x = extras();
        if (x.defers == null) {
            x.defers = new ArrayDeque<>();
        }
        x.defers.addFirst(action);
    }

    /** Marks this coroutine as a server's handler: {@code Co.exit} then sets {@code EXIT_IN_SERVER}. */
    public void markServerHandler() {
        extras().serverHandler = true;
    }

    public boolean isServerHandler() {
        Extras x = extras;
        return x != null && x.serverHandler;
    }

    /** Registers a join; false if this coroutine has already ended (the join must count it itself). */
    boolean addJoiner(Join j) {
        Extras x = extras();
        ConcurrentLinkedQueue<Join> q = x.joiners();
        q.add(j);
        if (isDone() && q.remove(j)) {
            return false;
        }
        return true;
    }

    void removeJoiner(Join j) {
        Extras x = extras;
        if (x != null) {
            ConcurrentLinkedQueue<Join> q = x.joiners;
            if (q != null) {
                q.remove(j);
            }
        }
    }

    /** Cancels: interrupts a Java coroutine's thread (its corun waits return CANCELED), cancels a Kotlin coroutine's job. */
    boolean cancel() {
        Object h = handle;
        if (h == DONE) {
            return false;
        }
        if (h instanceof Thread t) {
            t.interrupt();
        } else if (h instanceof Job j) {
            j.cancel(null);
        }
        return true;
    }

    /** Where it is: the virtual thread's stack, the suspended Kotlin continuation's frames, or the current thread's if it is this coroutine. */
    public StackTraceElement[] backTrace() {
        if (current() == this) {
            return Thread.currentThread().getStackTrace();
        }
        Waiter w = waiter;
        if (w != null) {
            StackTraceElement[] s = w.suspendedStack();
            if (s != null) {
                return s;
            }
        }
        Thread t = thread();
        return t != null ? t.getStackTrace() : new StackTraceElement[0];
    }

    /** The frames of a suspended Kotlin continuation, innermost first. */
    public static StackTraceElement[] continuationStack(Object continuation) {
        java.util.List<StackTraceElement> frames = new java.util.ArrayList<>();
        CoroutineStackFrame f = continuation instanceof CoroutineStackFrame csf ? csf : null;
        while (f != null && frames.size() < 256) {
            StackTraceElement e = f.getStackTraceElement();
            if (e != null) {
                frames.add(e);
            }
            f = f.getCallerFrame();
        }
        return frames.toArray(new StackTraceElement[0]);
    }

    @Override
    public String toString() {
        return "Coroutine{cid=" + cid + ", name=" + name() + (isDone() ? ", done" : "") + "}";
    }

    private static final VarHandle EXTRAS;
    private static final VarHandle HANDLE;

    static {
        try {
            EXTRAS = MethodHandles.lookup().findVarHandle(Coroutine.class, "extras", Extras.class);
            HANDLE = MethodHandles.lookup().findVarHandle(Coroutine.class, "handle", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
