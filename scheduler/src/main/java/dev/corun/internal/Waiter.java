package dev.corun.internal;

import dev.corun.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One wait of one coroutine (or plain thread) for one event: the waiter API that corun's
 * primitives (join, channels, wait groups) park and resume coroutines through. The scheduler
 * knows nothing of those primitives; they know only this.
 *
 * <p>A waiter is completed exactly once, by whoever gets there first: the event
 * ({@code complete(OK or CLOSED, value)}), the timeout, or a cancel. Only the winner writes the
 * value, so two producers racing for one waiting consumer cannot both believe they delivered.
 * The result becomes visible (a release write) after the value, and {@link #wake()} comes
 * last; the waiting side reads {@link #result()} and then {@link #value()}.
 *
 * <p>A waiter may stand for one clause of a wait on several primitives (a select): such a
 * subclass overrides {@link #claim}, {@link #isCompleted}, {@link #wake} and
 * {@link #dependsOutsideRun} to act on the one waiter of the whole wait, so exactly one clause
 * can win.
 *
 * <p>Deadlock accounting: a coroutine of a deadlock-checked run that waits with no timeout
 * calls {@link #beginIndefiniteWait()}, which marks this wait as counted (its phase) and
 * publishes it in the coroutine's record ({@code Coroutine.waiter}). Nothing shared is updated:
 * the monitor's {@link DeadlockCheck} reads those two fields when it walks the run. The claim
 * ends the counted phase <em>before</em> the waiting side is woken, so a wake-up in flight never
 * looks asleep. Timed waits are never counted: a timer will wake them.
 */
public abstract class Waiter {
    private static final int WAITING = 0;
    private static final int WAITING_COUNTED = 1;
    private static final int DONE = 2;

    private final Coroutine owner;
    private final String blocker;
    @SuppressWarnings("unused") private volatile int phase;
    private volatile Status result;
    /** Set when what is awaited depends on a coroutine outside the owner's run, which the run's deadlock check cannot see progress. */
    private volatile boolean dependsOutsideRun;
    private Object value;
    /** What the waiting side offers, e.g. a blocked sender's element; set before the waiter is queued. */
    private Object offered;
    /** The timer that will complete this wait with TIMEOUT, if it has a timeout; cancelled once completed. */
    private volatile java.util.concurrent.ScheduledFuture<?> timer;
    /** Links of the {@link WaiterQueue} this waiter is in, guarded by the queue owner's lock. */
    Waiter prev;
    Waiter next;
    WaiterQueue queue;

    /**
     * @param owner   the coroutine that waits, or null for a plain thread
     * @param blocker what it waits on, for the deadlock report, e.g. {@code "Channel.pop()"}
     */
    protected Waiter(Coroutine owner, String blocker) {
        this.owner = owner;
        this.blocker = blocker;
    }

    /** Counts the owner as blocked with no timeout until this waiter completes. Call once the waiter is visible to completers. */
    public final void beginIndefiniteWait() {
        Run run = owner == null ? null : owner.run;
        if (run != null && !dependsOutsideRun && run.deadlockChecked() && PHASE.compareAndSet(this, WAITING, WAITING_COUNTED)) {
            owner.waiter = this;
        }
    }

    /**
     * {@link #beginIndefiniteWait()} for a waiter no completer can see yet (not queued, no
     * cancellation hook): the phase is written plainly and published with the waiter, which
     * spares the wait a CAS. Call after {@link #dependsOutsideRun()} could have been called.
     */
    public final void beginIndefiniteWaitUnpublished() {
        Run run = owner == null ? null : owner.run;
        if (run != null && !dependsOutsideRun && run.deadlockChecked()) {
            PHASE.set(this, WAITING_COUNTED);
            OWNER_WAITER.setRelease(owner, this); // read by the deadlock check only, which needs no store-load order
        }
    }

    /**
     * Marks this wait as depending on a coroutine outside the owner's run: it is then never
     * counted as blocked, since the run's deadlock check cannot tell whether that coroutine will
     * make progress. Call before {@link #beginIndefiniteWait()}.
     */
    public void dependsOutsideRun() {
        dependsOutsideRun = true;
    }

    /**
     * Gives this wait a timeout: after {@code nanos} it is completed with TIMEOUT (if nothing
     * completed it first) and then {@code undo} runs (to leave the primitive's queue). The
     * outcome is decided by the waiter's claim alone, so an event racing the timeout is never
     * lost. Call once the waiter is visible to completers.
     */
    public final void timeoutAfter(long nanos, Runnable undo) {
        showInBackTrace();
        if (!isCompleted()) {
            timer = Timers.schedule(nanos, () -> {
                if (claim(Status.TIMEOUT, null)) {
                    if (undo != null) {
                        undo.run(); // leave the primitive before the waiting side can run and look at it
                    }
                    wake();
                }
            });
            if (isCompleted()) {
                cancelTimeout(); // completed while the timer was being set
            }
        }
    }

    /** Drops the timer once the wait is over, so a finished wait costs the timer queue nothing. */
    public final void cancelTimeout() {
        java.util.concurrent.ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** A timed wait: shows it in {@code Co.getBackTrace} of its owner until it completes. */
    private void showInBackTrace() {
        if (owner != null && phase != DONE) {
            owner.waiter = this;
        }
    }

    /**
     * Completes the wait with {@code status} and hands over {@code value} (may be null), then
     * wakes the waiting side. Returns false if the waiter was already completed (timed out,
     * cancelled, or taken by another completer); then nothing was written.
     */
    public final boolean complete(Status status, Object value) {
        if (claim(status, value)) {
            wake();
            return true;
        }
        return false;
    }

    /**
     * The first half of {@link #complete}: decides the outcome and hands over the value, but
     * does not wake the waiting side. A primitive claims waiters under its lock and calls
     * {@link #wake()} after releasing it, so a resumed continuation never runs inside the lock.
     */
    public boolean claim(Status status, Object value) {
        for (;;) {
            int p = phase;
            if (p == DONE) {
                return false;
            }
            if (PHASE.compareAndSet(this, p, DONE)) {
                this.value = value;
                RESULT.setRelease(this, status); // the value is read after the result; no later load depends on this store
                if (p == WAITING_COUNTED) {
                    OWNER_WAITER.setRelease(owner, null); // before the wake-up: the owner's next wait cannot have begun
                } else if (owner != null && owner.waiter == this) {
                    OWNER_WAITER.setRelease(owner, null);
                }
                return true;
            }
        }
    }


    /**
     * Completes this wait with {@link Status#CANCELED} because its coroutine is being cancelled:
     * leaves the primitive ({@link #leave()}) and wakes the waiting side. Nothing happens if the
     * wait was already completed: an event that came first is kept.
     */
    public final void cancelWait() {
        if (claim(Status.CANCELED, null)) {
            leave();
            wake();
        }
    }

    /** Takes this waiter out of the primitive it waits in, after a cancellation claimed it. */
    protected void leave() {}

    /** The wait this waiter belongs to: itself, or for a select's clause the select's waiter. Two waiters of one wait never pair up. */
    public Object waitIdentity() {
        return this;
    }

    /**
     * True while this is an indefinite wait counted as blocked in its run: from
     * {@link #beginIndefiniteWait} until the claim. DONE is final, so a wait seen counted on two
     * looks was counted all the time in between.
     */
    final boolean isCountedWait() {
        return phase == WAITING_COUNTED;
    }

    /** True once completed (by anyone). */
    public boolean isCompleted() {
        return phase == DONE;
    }

    /** The outcome, or null while still waiting (or while the winner is writing it). */
    public final Status result() {
        return result;
    }

    /** The value handed over by the completer; read after {@link #result()} returned non-null. */
    public final Object value() {
        return value;
    }

    /** Sets what the waiting side offers (a sender's element); call before queueing the waiter. */
    public final void offer(Object element) {
        this.offered = element;
    }

    /** What the waiting side offered; read by the completer that claimed this waiter. */
    public final Object offered() {
        return offered;
    }

    /** The coroutine that waits, or null for a plain thread. */
    public final Coroutine owner() {
        return owner;
    }

    final String blocker() {
        return blocker;
    }

    /** Makes the waiting side run again (unpark the thread, resume the continuation); call once, after a successful {@link #claim}. */
    public abstract void wake();

    /** The waiting side's stack for the deadlock report, or null to use the owner's thread. */
    protected StackTraceElement[] suspendedStack() {
        return null;
    }

    private static final VarHandle PHASE;
    private static final VarHandle RESULT;
    private static final VarHandle OWNER_WAITER;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(Waiter.class, "phase", int.class);
            RESULT = MethodHandles.lookup().findVarHandle(Waiter.class, "result", Status.class);
            OWNER_WAITER = MethodHandles.lookup().findVarHandle(Coroutine.class, "waiter", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
