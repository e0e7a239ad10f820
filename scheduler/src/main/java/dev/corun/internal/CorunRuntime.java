package dev.corun.internal;

import dev.corun.CoOptions;
import dev.corun.CoRunnable;
import dev.corun.CoStats;
import dev.corun.DeadlockException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The process-wide runtime behind {@code Co} and the Kotlin builders: settings, the scheduler
 * (started on first use), the id counter shared by Java and Kotlin coroutines, the table of
 * live coroutines and the active runs.
 *
 * <p>Starting a coroutine: check the limit and count it, give it the next id, count it in its
 * parent's run, register it, then start it. The scheduler, its carriers and the monitor are
 * created once; settings other than the carrier count may change at any time.
 */
public final class CorunRuntime {
    private static final System.Logger LOG = System.getLogger("dev.corun");
    private static final CorunRuntime INSTANCE = new CorunRuntime();

    private final AtomicLong lastCid = new AtomicLong();
    /**
     * A sum of {@code ended} read by some starter. {@code ended} only grows, so {@code lastCid -
     * endedSeen} bounds the live count from above: a starter sums the adder (whose cells the
     * enders on every carrier write) only when that bound passes the limit or the peak. Its own
     * object, next to {@code lastCid}, which starters write too: while the live count climbs to
     * a new peak every start sums and stores, and a field of the runtime would take the cache
     * line the enders read {@code table} and {@code ended} from. Opaque accesses: no fence.
     */
    private final AtomicLong endedSeen = new AtomicLong();
    /**
     * Coroutines that have ended (or failed to start after taking an id). The live count is
     * {@code lastCid - ended}: the spawn path touches one shared counter (the id), and ending
     * adds to a striped counter, instead of both sides hitting one contended live counter.
     */
    private final LongAdder ended = new LongAdder();
    private final AtomicInteger peak = new AtomicInteger();
    private final CoroutineTable table = new CoroutineTable();
    private final List<Run> runs = new CopyOnWriteArrayList<>();
    /** Used by the monitor thread only. */
    private final DeadlockCheck deadlocks = new DeadlockCheck(this, table);
    private volatile CoOptions options = CoOptions.defaults();
    private volatile Scheduler scheduler;
    private ThreadFactory threads;

    public static CorunRuntime get() {
        return INSTANCE;
    }

    public CoOptions options() {
        return options;
    }

    public synchronized void set(CoOptions changes) {
        CoOptions merged = options.merge(changes);
        Scheduler s = scheduler;
        if (s != null && merged.carriers() != s.parallelism()) {
            throw new IllegalStateException("the scheduler already runs with " + s.parallelism()
                    + " carriers; call Co.set(new CoOptions().carriers(" + merged.carriers()
                    + ")) before the first coroutine starts");
        }
        options = merged;
    }

    /** The scheduler, started on first use with the carrier count in force. */
    public Scheduler scheduler() {
        Scheduler s = scheduler;
        return s != null ? s : startScheduler();
    }

    private synchronized Scheduler startScheduler() {
        if (scheduler == null) {
            Scheduler s = new Scheduler("corun", options.carriers());
            threads = VirtualThreads.factory(s);
            new Sysmon(this, s).start();
            scheduler = s;
        }
        return scheduler;
    }

    // ---- starting and ending ------------------------------------------------------------------

    /** Starts a Java coroutine, a child of the calling coroutine (if any): a virtual thread on the scheduler. */
    public long go(String name, CoRunnable body) {
        Coroutine parent = Coroutine.current();
        return go(parent, parent instanceof JavaCoroutine caller ? caller : null, name, body, false);
    }

    /**
     * Starts a Java coroutine as a child of {@code parent} (null: none), from any thread: a
     * server runs a task's finish handler as a child of the coroutine that dispatched the task.
     * It joins the parent's run while the parent is alive, and stands alone once it has ended.
     */
    public long go(Coroutine parent, String name, CoRunnable body) {
        return go(parent, null, name, body, false);
    }

    /**
     * {@link #go(Coroutine, String, CoRunnable)} with the coroutine's first run on the calling
     * thread, up to its first park or yield, when that is a platform thread other than a carrier
     * (a server's reactor); see {@link Scheduler#spawnHere}.
     */
    public long goHere(Coroutine parent, String name, CoRunnable body) {
        return go(parent, null, name, body, true);
    }

    /** {@code spawner}: the parent when it is the Java coroutine calling, which may count the start from its credits. */
    private long go(Coroutine parent, JavaCoroutine spawner, String name, CoRunnable body, boolean here) {
        Scheduler s = scheduler();
        Run parentRun = parent == null || parent.isDone() ? null : parent.run;
        JavaCoroutine co = newRecord(parent, parentRun, spawner,
                (cid, pcid, run) -> new JavaCoroutine(cid, pcid, run, body));
        Thread t = threads.newThread(co);
        t.setUncaughtExceptionHandler(co);
        if (name != null) {
            co.name(name);
            t.setName(name);
        }
        co.bind(t);
        register(co);
        if (here) {
            s.spawnHere(t);
        } else {
            s.spawn(t);
        }
        return co.cid;
    }

    /**
     * Creates the record of a Kotlin coroutine started from {@code parent} (null if none); the
     * caller binds its job and starts it. Like {@link #go(Coroutine, String, CoRunnable)}, it
     * joins the parent's run while the parent is alive.
     */
    public KotlinCoroutine newKotlin(Coroutine parent, String name) {
        scheduler();
        KotlinCoroutine co = newRecord(parent, parent == null || parent.isDone() ? null : parent.run, null, KotlinCoroutine::new);
        if (name != null) {
            co.name(name);
        }
        return co;
    }

    /** Binds a Kotlin coroutine's job and makes the record visible to {@code Co.exists}, {@code list}, {@code cancel}. */
    public void bindKotlin(Coroutine co, Object job) {
        co.bind(job);
        register(co);
    }

    /** Makes the record of a kind of coroutine once its id is known. */
    private interface RecordFactory<C extends Coroutine> {
        C create(long cid, long pcid, Run run);
    }

    private <C extends Coroutine> C newRecord(Coroutine parent, Run run, JavaCoroutine spawner, RecordFactory<C> kind) {
        int max = options.maxCoroutines();
        long cid = lastCid.incrementAndGet();
        long seen = endedSeen.getOpaque();
        if (cid - seen > Math.min(max, peak.get())) {
            long gone = ended.sum();
            if (gone != seen) {
                endedSeen.setOpaque(gone); // a racing starter may store an older sum: still a lower bound
            }
            long n = cid - gone; // exact for one starter; racing starters and enders can move it by a few
            if (n > max) {
                ended.increment();
                throw new IllegalStateException("cannot start a coroutine: " + max + " are alive, the limit set by "
                        + "CoOptions.maxCoroutines; raise it with Co.set(new CoOptions().maxCoroutines(...)) "
                        + "or wait for some to finish");
            }
            if (n > peak.get()) {
                peak.lazySet((int) n); // a statistic: racing starters may leave it a few short, never a CAS loop on the spawn path
            }
        }
        if (run != null) {
            if (spawner != null) {
                spawner.countStart(); // the parent itself, in the same run: counted from its credits
            } else {
                run.started();
            }
        }
        return kind.create(cid, parent == null ? -1 : parent.cid, run);
    }

    private void register(Coroutine co) {
        table.add(co);
    }

    /** Coroutines alive now; exact when no coroutine is starting or ending meanwhile. */
    private int alive() {
        long gone = ended.sum(); // first: every coroutine counted here has an id <= the lastCid read next
        return (int) Math.max(0, lastCid.get() - gone);
    }

    void ended(Coroutine co) {
        table.remove(co);
        ended.increment();
    }

    // ---- runs ---------------------------------------------------------------------------------

    /** Starts a run for the calling thread; the caller starts its main coroutine in it and then calls {@link #await}. */
    public Run newRun() {
        Coroutine self = Coroutine.current();
        if (self != null) {
            throw new IllegalStateException("Co.run / corun cannot be nested: the caller is already coroutine "
                    + self.cid + "; start more coroutines with Co.go / go { } instead");
        }
        scheduler();
        Run run = new Run(options.deadlockCheck());
        runs.add(run);
        return run;
    }

    /** Starts the main Java coroutine of a run. */
    public long goMain(Run run, CoRunnable body) {
        Scheduler s = scheduler();
        JavaCoroutine co = newMainRecord(run, (cid, pcid, r) -> new JavaCoroutine(cid, pcid, r, body));
        Thread t = threads.newThread(co);
        t.setUncaughtExceptionHandler(co);
        co.bind(t);
        register(co);
        s.spawn(t);
        return co.cid;
    }

    /** Creates the record of the main Kotlin coroutine of a run. */
    public KotlinCoroutine newKotlinMain(Run run) {
        scheduler();
        return newMainRecord(run, KotlinCoroutine::new);
    }

    /** A run whose main coroutine cannot start (the coroutine limit) is dropped before the error propagates. */
    private <C extends Coroutine> C newMainRecord(Run run, RecordFactory<C> kind) {
        try {
            return newRecord(null, run, null, kind);
        } catch (RuntimeException e) {
            runs.remove(run);
            throw e;
        }
    }

    /**
     * Waits for the run to end and rethrows its failure: unchecked exceptions and errors as
     * they are, checked ones wrapped in a {@link CompletionException}. If the waiting thread is
     * interrupted, the run's coroutines are cancelled and a {@link CancellationException} is
     * thrown at once, the interrupt status kept.
     */
    public void await(Run run) {
        boolean ended;
        try {
            ended = run.await();
        } finally {
            runs.remove(run);
        }
        if (!ended) {
            for (Coroutine co : members(run)) {
                co.cancel();
            }
            throw new CancellationException("the thread waiting in Co.run / corun was interrupted; the run's coroutines were cancelled");
        }
        Throwable t = run.outcome();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new CompletionException(t);
        }
    }

    private List<Coroutine> members(Run run) {
        List<Coroutine> members = new ArrayList<>();
        for (Coroutine co : table.snapshot()) {
            if (co.run == run) {
                members.add(co);
            }
        }
        members.sort(Comparator.comparingLong(Coroutine::cid));
        return members;
    }

    /** Monitor: the deadlock check of the active runs, once per tick. */
    void checkDeadlocks(long now) {
        deadlocks.check(runs, now);
    }

    /** Monitor: reports the deadlock of {@code run}, whose members were all found asleep in {@code waits}, and cancels them. */
    void declareDeadlock(Run run, List<Waiter> waits) {
        List<Waiter> sorted = new ArrayList<>(waits);
        sorted.sort(Comparator.comparingLong(w -> w.owner().cid));
        List<Coroutine> members = new ArrayList<>(sorted.size());
        StringBuilder report = new StringBuilder("all coroutines (count: ").append(sorted.size())
                .append(") are asleep - deadlock!");
        for (Waiter w : sorted) {
            Coroutine co = w.owner();
            members.add(co);
            report.append("\n\ncoroutine ").append(co.cid).append(" [").append(co.name()).append("] waiting on ")
                    .append(w.blocker()).append(':');
            for (StackTraceElement e : co.backTrace()) {
                report.append("\n\tat ").append(e);
            }
        }
        String text = report.toString();
        LOG.log(System.Logger.Level.ERROR, text);
        runs.remove(run);
        run.declareDeadlock(new DeadlockException(members.size(), text));
        for (Coroutine co : members) {
            co.cancel();
        }
    }

    // ---- queries --------------------------------------------------------------------------------

    public Coroutine find(long cid) {
        return table.get(cid);
    }

    public long[] list() {
        return table.snapshot().stream().mapToLong(Coroutine::cid).sorted().toArray();
    }

    public boolean cancel(long cid) {
        Coroutine self = Coroutine.current();
        if (self != null && self.cid == cid) {
            throw new IllegalArgumentException("a coroutine cannot cancel itself (cid " + cid + "); return or throw instead");
        }
        Coroutine co = table.get(cid);
        return co != null && co.cancel();
    }

    public CoStats stats() {
        Scheduler s = scheduler();
        return new CoStats(alive(), peak.get(), lastCid.get(), s.globalQueued(), s.temporaryStarted(),
                s.preemptions(), s.carrierStats());
    }
}
