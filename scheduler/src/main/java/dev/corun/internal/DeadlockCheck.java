package dev.corun.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The deadlock check of the active runs, run by the monitor ({@link Sysmon}) once per tick.
 *
 * <p>A run is deadlocked when every live coroutine of it is asleep: parked in a counted wait
 * (an indefinite wait on a corun primitive that only the run itself can complete,
 * {@link Waiter#isCountedWait}), with no other strand beside it that could still run (a Kotlin
 * coroutine's {@code launch} children). The wait and wake-up paths update nothing shared for
 * this: a counted wait marks its own waiter and publishes it in its coroutine's record
 * ({@code Coroutine.waiter}), and the claim that ends it unmarks it. A channel hand-off
 * therefore touches no counter of the run; the check reads the records instead, and only when
 * a run looks idle.
 *
 * <p>One look at a run:
 * <ol>
 *   <li><b>Witness.</b> The run keeps a member last found awake. While that member is alive and
 *       still not asleep, the run is not deadlocked; the look ends there.</li>
 *   <li><b>Walk.</b> A run whose witness has ended or gone to sleep looks idle. One walk over
 *       the coroutine table serves every such run: it finds a new witness, or else the counted
 *       waits of all the run's members. A walk that finds fewer or more members than the run
 *       counts live (one is starting or ending; the start credits the members hold are added,
 *       see {@link Run}) treats the run as busy.</li>
 *   <li><b>Suspect.</b> A run whose members were all found in counted waits is suspected, with
 *       the set of those waits. A walk is not a snapshot: one member may be woken after it was
 *       read asleep and before another is read. But a waiter's counted phase never comes back
 *       once it ended, so a wait found counted by two walks was counted throughout between
 *       them.</li>
 *   <li><b>Confirm.</b> A walk that starts at least {@link #GRACE_NANOS} (100 ms) after the
 *       suspecting walk ended and finds every member still in one of the suspected waits
 *       proves that all of them were asleep together for that long. The members are then
 *       checked for other strands, and their waits are read once more (a strand that ended
 *       during the walk may have woken a member read before it); only then is the deadlock
 *       declared. A walk that finds other waits suspects anew. The grace period leaves a plain
 *       thread outside the runtime that feeds a primitive it has not touched yet its time, as
 *       the counted design did.</li>
 * </ol>
 *
 * <p>Cost: looking at a witness reads a few fields, and a Kotlin witness whose own strand
 * sleeps lists its job's children. A walk reads the table's direct slots and copies each
 * non-empty stripe of its map under the stripe's lock, and reads each record's run, and the
 * waiter of the records of the runs being walked: it is linear in the live coroutines of the
 * whole process, plus a fixed ~90 us for the table's direct slots (measured on 2 cores before
 * those slots: ~2 us with a few, ~30 us with 10,000, ~0.8 ms with 100,000, ~14 ms with a
 * million). Walks happen at
 * most once per tick, only while some checked run lacks a witness, and a walk that took
 * {@code d} is followed by none for {@value #WALK_COST_FACTOR} {@code d}: walking takes at most
 * 2 % of the monitor's core. With thousands of coroutines the check reacts within a tick or
 * two; with a million, walks are ~0.7 s apart, and a report comes that much later. Suspicion
 * keeps one set of the suspected waits per suspected run, dropped when the suspicion ends.
 */
final class DeadlockCheck {
    /** How long all members must be seen asleep in the same waits before a deadlock is declared. */
    static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** A walk that took {@code d} is followed by none for this many times {@code d}. */
    private static final int WALK_COST_FACTOR = 50;

    private final CorunRuntime runtime;
    private final CoroutineTable table;
    private final Consumer<Coroutine> visit = this::visit;
    /** The runs of the walk in progress. */
    private final List<Run> walked = new ArrayList<>();
    private Coroutine[] scratch = new Coroutine[0];
    private long nextWalkNanos;
    private boolean walkedOnce;

    DeadlockCheck(CorunRuntime runtime, CoroutineTable table) {
        this.runtime = runtime;
        this.table = table;
    }

    /** One look at each active run; a run found deadlocked goes to {@link CorunRuntime#declareDeadlock}. */
    void check(Iterable<Run> runs, long now) {
        boolean mayWalk = !walkedOnce || now - nextWalkNanos >= 0;
        for (Run run : runs) {
            if (!run.deadlockChecked()) {
                continue;
            }
            Coroutine w = run.witness;
            if (w != null && !w.isDone() && !w.isAsleep()) {
                run.suspected = null;
                continue;
            }
            run.witness = null;
            if (mayWalk) {
                run.found = new ArrayList<>();
                walked.add(run);
            }
        }
        if (walked.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        scratch = table.forEach(visit, scratch);
        long end = System.nanoTime();
        walkedOnce = true;
        nextWalkNanos = end + WALK_COST_FACTOR * (end - start);
        for (Run run : walked) {
            decide(run, start, end);
        }
        walked.clear();
    }

    private void visit(Coroutine co) {
        Run run = co.run;
        if (run == null || run.found == null || run.witness != null) {
            return;
        }
        Waiter w = co.waiter;
        if (w != null && w.isCountedWait()) {
            run.found.add(w); // co.waiter is only ever set by its owner's waits: w.owner() == co
            run.foundCredits += co.startCredits(); // written by co before it published w
        } else {
            run.witness = co;
        }
    }

    private void decide(Run run, long walkStart, long walkEnd) {
        List<Waiter> waits = run.found;
        int credits = run.foundCredits;
        run.found = null;
        run.foundCredits = 0;
        if (run.witness != null || waits.isEmpty() || waits.size() + credits != run.live()) {
            run.suspected = null;
            return;
        }
        Set<Waiter> suspected = run.suspected;
        if (suspected == null || !suspected.containsAll(waits)) {
            Set<Waiter> s = Collections.newSetFromMap(new IdentityHashMap<>(waits.size()));
            s.addAll(waits);
            run.suspected = s;
            run.suspectedAtNanos = walkEnd;
            return;
        }
        if (walkStart - run.suspectedAtNanos < GRACE_NANOS) {
            return;
        }
        run.suspected = null;
        for (Waiter w : waits) {
            if (w.owner().hasOtherStrands()) {
                run.witness = w.owner(); // asleep itself, but a launch child of it may still run
                return;
            }
        }
        for (Waiter w : waits) {
            if (!w.isCountedWait()) {
                return;
            }
        }
        runtime.declareDeadlock(run, waits);
    }
}
