package dev.corun;

import dev.corun.internal.Batch;
import dev.corun.internal.Blocking;
import dev.corun.internal.Coroutine;
import dev.corun.internal.CorunRuntime;
import dev.corun.internal.Join;
import dev.corun.internal.Preemption;
import dev.corun.internal.Run;
import dev.corun.internal.ThreadWaiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Swoole's {@code Co} / {@code Coroutine} for Java: start coroutines, wait for them, and ask
 * about them, in plain blocking style.
 *
 * <p>A Java coroutine is a virtual thread scheduled by corun's M:N scheduler, so blocking calls
 * inside it ({@link #sleep}, {@link #join}, channel operations, {@code Thread.sleep},
 * {@code java.net} sockets, JDBC) park it and free its carrier. Java and Kotlin coroutines share
 * one id sequence (from 1), one {@link #list()} and one {@link #stats()}.
 *
 * <pre>{@code
 * Co.run(() -> {
 *     long a = Co.go(() -> { Co.sleep(Duration.ofMillis(100)); System.out.println("a"); });
 *     long b = Co.go(() -> { Co.sleep(Duration.ofMillis(100)); System.out.println("b"); });
 *     Co.join(new long[] {a, b}, Duration.ofSeconds(1)); // about 100 ms, not 200
 * });
 * }</pre>
 *
 * <p>Timeouts: a null or negative {@link Duration} waits forever. Calls that can time out or be
 * cancelled return a {@link Status}. The blocking calls fail with an
 * {@link IllegalStateException} when made from a Kotlin coroutine on a carrier thread; use the
 * suspend forms ({@code coSleep}, {@code coJoin}, {@code coYield}) there.
 */
public final class Co {
    private Co() {}

    private static CorunRuntime rt() {
        return CorunRuntime.get();
    }

    // ---- running ----------------------------------------------------------------------------

    /**
     * Swoole's {@code Co\run}: runs {@code main} as a coroutine and blocks the calling thread
     * until it and every coroutine started from it (directly or not) have ended.
     *
     * <p>If a coroutine of the run threw, this throws that exception after all have ended
     * (further ones are suppressed into it; checked ones come wrapped in a
     * {@link java.util.concurrent.CompletionException}); an uncaught {@link ExitException} is
     * rethrown the same way. With the deadlock check on (the default), a run whose coroutines
     * are all parked on corun primitives with no timeout fails with a
     * {@link DeadlockException} instead of hanging. Cannot be nested inside a coroutine.
     */
    public static void run(CoRunnable main) {
        Objects.requireNonNull(main, "main");
        CorunRuntime rt = rt();
        Run run = rt.newRun();
        rt.goMain(run, main);
        rt.await(run);
    }

    /**
     * Swoole's {@code go()}: starts a coroutine and returns its id. Inside a run, the
     * new coroutine belongs to that run; from a plain thread it stands alone (nothing waits
     * for it, like a daemon).
     *
     * <p>The new coroutine is queued, not run at once; the caller goes on. The one exception is
     * back-pressure: a Java coroutine whose carrier already has half its local queue (128)
     * waiting yields once after the spawn, so a loop of {@code go} calls cannot pile up
     * hundreds of thousands of started-but-unrun coroutines.
     *
     * @throws IllegalStateException if {@link CoOptions#maxCoroutines} are already alive
     */
    public static long go(CoRunnable body) {
        return rt().go(null, Objects.requireNonNull(body, "body"));
    }

    /** Like {@link #go(CoRunnable)}, with a name shown in stack dumps, reports and {@code getBackTrace}. */
    public static long go(String name, CoRunnable body) {
        return rt().go(Objects.requireNonNull(name, "name"), Objects.requireNonNull(body, "body"));
    }

    // ---- who and where ------------------------------------------------------------------------

    /** The id of the calling coroutine (Java or Kotlin), or -1 outside any coroutine. */
    public static long getCid() {
        Coroutine co = Coroutine.current();
        return co == null ? -1 : co.cid();
    }

    /** The id of the coroutine that started the calling one; -1 for a top-level coroutine or outside any. */
    public static long getPcid() {
        Coroutine co = Coroutine.current();
        return co == null ? -1 : co.pcid();
    }

    /** The parent id of coroutine {@code cid}; -1 if it has none or does not exist. */
    public static long getPcid(long cid) {
        Coroutine co = rt().find(cid);
        return co == null ? -1 : co.pcid();
    }

    /** Whether coroutine {@code cid} is alive. */
    public static boolean exists(long cid) {
        return rt().find(cid) != null;
    }

    /** The ids of all live coroutines, ascending. */
    public static long[] list() {
        return rt().list();
    }

    /** A snapshot of the runtime's figures. */
    public static CoStats stats() {
        return rt().stats();
    }

    /** Where coroutine {@code cid} is now (its stack; a suspended Kotlin coroutine's frames); null if it does not exist. */
    public static StackTraceElement[] getBackTrace(long cid) {
        Coroutine co = rt().find(cid);
        return co == null ? null : co.backTrace();
    }

    /** Milliseconds since the calling coroutine started; -1 outside any coroutine. */
    public static long getElapsed() {
        Coroutine co = Coroutine.current();
        return co == null ? -1 : co.elapsedMillis();
    }

    /** Milliseconds since coroutine {@code cid} started; -1 if it does not exist. */
    public static long getElapsed(long cid) {
        Coroutine co = rt().find(cid);
        return co == null ? -1 : co.elapsedMillis();
    }

    // ---- waiting and yielding -----------------------------------------------------------------

    /**
     * Parks the calling coroutine for {@code duration}, freeing its carrier (a plain thread just
     * sleeps). Returns {@link Status#OK}, or {@link Status#CANCELED} if {@link #cancel} woke it early.
     * A zero duration yields.
     */
    public static Status sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep duration must not be negative, got " + duration);
        }
        Blocking.check("Co.sleep()", "coSleep()");
        if (duration.isZero()) {
            Thread.yield();
            return Status.OK;
        }
        Status s = new ThreadWaiter("Co.sleep()").await(duration.toNanos());
        return s == Status.TIMEOUT ? Status.OK : s;
    }

    /** Swoole's {@code Co::yield}: lets other ready coroutines run, then continues. */
    public static void yield() {
        Blocking.check("Co.yield()", "coYield()");
        Thread.yield();
    }

    /**
     * A yield point: call it in long CPU loops. When the preemptive scheduler is on and this
     * coroutine has held its carrier past the time slice, it goes to the back of the global
     * queue. Whatever that option, when it has held its carrier for a monitor tick (1 ms)
     * while coroutines queued on that carrier wait, it gives way to them: it goes to the back
     * of its carrier's hot queue and runs again after them, on the same carrier. Otherwise
     * this costs a few nanoseconds. Every channel push and pop is a yield point too.
     * (Kotlin coroutines use the suspend {@code checkpoint()}; from them this does nothing.)
     *
     * <pre>{@code
     * Co.go(() -> {
     *     for (long i = 0; i < 1_000_000_000L; i++) {
     *         work(i);
     *         Co.checkpoint();
     *     }
     * });
     * }</pre>
     */
    public static void checkpoint() {
        Preemption.checkpoint();
    }

    /**
     * Swoole's {@code Coroutine::join}: waits until every listed coroutine has ended. Ids of
     * coroutines that already ended count as ended.
     *
     * @return OK, TIMEOUT, or CANCELED (the waiting coroutine was cancelled)
     * @throws IllegalArgumentException if the list holds the calling coroutine's own id
     */
    public static Status join(long[] cids, Duration timeout) {
        Objects.requireNonNull(cids, "cids");
        Blocking.check("Co.join()", "coJoin()");
        ThreadWaiter w = new ThreadWaiter("Co.join(" + java.util.Arrays.toString(cids) + ")");
        Join j = Join.register(cids, w);
        Status s = w.await(nanos(timeout));
        if (s != Status.OK) {
            j.unregister();
        }
        return s;
    }

    /** Waits with no timeout until every listed coroutine has ended. */
    public static Status join(long... cids) {
        return join(cids, null);
    }

    /**
     * Swoole's {@code Coroutine::cancel}: wakes coroutine {@code cid} from its current wait
     * ({@link #sleep}, {@link #join}, a channel operation), which returns
     * {@link Status#CANCELED}; if it is not waiting, its next such wait returns CANCELED at
     * once. A Java coroutine's virtual thread is interrupted (so {@code Thread.sleep} throws
     * and blocking socket I/O is aborted, as with any interrupt); a Kotlin coroutine's job is
     * cancelled.
     *
     * @return true if the coroutine was alive
     * @throws IllegalArgumentException if a coroutine tries to cancel itself
     */
    public static boolean cancel(long cid) {
        return rt().cancel(cid);
    }

    /**
     * Swoole's {@code defer}: runs {@code action} when the calling coroutine ends, however it
     * ends (after an exception too). Defers run last-in first-out; one that throws does not stop
     * the others and its exception is reported like the coroutine's own.
     */
    public static void defer(Runnable action) {
        Objects.requireNonNull(action, "action");
        current("Co.defer()").defer(action);
    }

    // ---- batch helpers ------------------------------------------------------------------------------

    /**
     * Swoole's {@code Coroutine\batch}: runs every task in its own coroutine and waits until all
     * have finished or {@code timeout} passes (null or negative: no limit). Returns each finished
     * task's value under its key, in the tasks' iteration order; a task still running at the
     * timeout is cancelled and gives no value (its key is absent). If tasks threw, the first
     * exception is thrown once the wait is over (the others suppressed into it; checked ones
     * wrapped in a {@link java.util.concurrent.CompletionException}).
     *
     * <pre>{@code
     * Map<String, String> pages = Co.batch(Map.of(
     *         "a", () -> fetch("a"),
     *         "b", () -> fetch("b")), Duration.ofSeconds(1));
     * }</pre>
     */
    public static <K, V> Map<K, V> batch(Map<K, ? extends Callable<? extends V>> tasks, Duration timeout) {
        Objects.requireNonNull(tasks, "tasks");
        Blocking.check("Co.batch()", "coBatch()");
        List<K> keys = new ArrayList<>(tasks.keySet());
        List<Callable<? extends V>> calls = new ArrayList<>();
        for (K k : keys) {
            calls.add(Objects.requireNonNull(tasks.get(k), () -> "task for key " + k));
        }
        Batch<V> b = Batch.start(calls, timeout);
        Map<K, V> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (b.finished(i)) {
                out.put(keys.get(i), b.value(i));
            }
        }
        return out;
    }

    /**
     * Swoole's {@code Coroutine\parallel}: runs {@code body} in {@code n} coroutines at once and
     * waits for all of them; if any threw, the first exception is thrown after all have ended.
     */
    public static void parallel(int n, CoRunnable body) {
        Objects.requireNonNull(body, "body");
        if (n < 0) {
            throw new IllegalArgumentException("parallel needs n >= 0, got " + n);
        }
        Blocking.check("Co.parallel()", "coParallel()");
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(() -> {
                body.run();
                return null;
            });
        }
        Batch.start(calls, null);
    }

    /**
     * Swoole's {@code Coroutine\map}: applies {@code fn} to every element in its own coroutine
     * and returns the results in the list's order; an element whose call had not finished at
     * the timeout is cancelled and gives null (use {@link #batch} to tell that from a null
     * result). Exceptions as in {@link #batch}.
     */
    public static <T, R> List<R> map(List<T> list, CoFunction<? super T, ? extends R> fn, Duration timeout) {
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(fn, "fn");
        Blocking.check("Co.map()", "coMap()");
        List<Callable<R>> calls = new ArrayList<>();
        for (T element : list) {
            calls.add(() -> fn.apply(element));
        }
        Batch<R> b = Batch.start(calls, timeout);
        List<R> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(b.finished(i) ? b.value(i) : null);
        }
        return out;
    }

    // ---- settings, context, exit ------------------------------------------------------------------

    /** Swoole's {@code Co::set}: applies the settings made in {@code changes}; see {@link CoOptions} for which can change when. */
    public static void set(CoOptions changes) {
        rt().set(Objects.requireNonNull(changes, "changes"));
    }

    /** Every setting in force. */
    public static CoOptions options() {
        return rt().options();
    }

    /** The calling coroutine's {@link Context}. */
    public static Context getContext() {
        return current("Co.getContext()").context();
    }

    /** Coroutine {@code cid}'s {@link Context}, or null if it does not exist. */
    public static Context getContext(long cid) {
        Coroutine co = rt().find(cid);
        return co == null ? null : co.context();
    }

    /**
     * Swoole's {@code exit()} inside a coroutine: throws an {@link ExitException} carrying
     * {@code status} and where it was called ({@link ExitException#EXIT_IN_COROUTINE}, plus
     * {@link ExitException#EXIT_IN_SERVER} in a server handler). Catch it to stay alive;
     * uncaught, it ends the coroutine and {@link #run} rethrows it.
     */
    public static void exit(int status) {
        Coroutine co = current("Co.exit()");
        int flags = ExitException.EXIT_IN_COROUTINE | (co.isServerHandler() ? ExitException.EXIT_IN_SERVER : 0);
        throw new ExitException(status, flags);
    }

    /** {@link #exit(int)} with status 0. */
    public static void exit() {
        exit(0);
    }

    private static Coroutine current(String call) {
        Coroutine co = Coroutine.current();
        if (co == null) {
            throw new IllegalStateException(call + " must be called inside a coroutine (Co.run / Co.go / go { })");
        }
        return co;
    }

    static long nanos(Duration timeout) {
        return timeout == null || timeout.isNegative() ? -1 : timeout.toNanos();
    }
}
