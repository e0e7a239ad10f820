package dev.corun.server.internal;

import dev.corun.Co;
import dev.corun.Status;
import dev.corun.channels.Channel;
import dev.corun.internal.CorunRuntime;
import dev.corun.server.TaskPoolFullException;
import dev.corun.server.TaskResult;
import dev.corun.server.TcpServerOptions.TaskOverflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The task workers: a bounded queue (a corun {@link Channel}) and {@code workers} loops that
 * take tasks from it.
 *
 * <p>With coroutines on, each worker is a long-lived coroutine that starts every task it takes
 * as a coroutine of its own (through the {@link Runner}) and waits for it to end, so at most
 * {@code workers} tasks run at once and a task's {@code Co.getCid()} and {@code Context} are its
 * own. With coroutines off, each worker is a platform thread that runs its tasks one after
 * another, for CPU-heavy work that should not hold a carrier.
 *
 * <p>Invariants: a task is in {@link #inflight} from dispatch until its result is completed;
 * the result is completed exactly once ({@link #complete}); after {@link #close} no task is
 * admitted, and every task admitted before either finishes within the grace period or is
 * completed CANCELED.
 */
public final class TaskPool {
    private static final System.Logger LOG = System.getLogger("dev.corun.server");
    private static final ThreadLocal<TaskRecord> CURRENT = new ThreadLocal<>();

    /** Runs one task's handler; {@code done} must run when it has ended, whatever happened. */
    public interface Runner {
        /** Starts the task as a coroutine and returns at once. */
        void start(TaskRecord task, Runnable done);

        /** Runs the task on the calling platform thread. */
        void runHere(TaskRecord task);
    }

    private final int workers;
    private final int capacity;
    private final TaskOverflow overflow;
    private final boolean coroutines;
    private final Channel<TaskRecord> queue;
    private final ConcurrentHashMap<Long, TaskRecord> inflight = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong canceled = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closing;
    private volatile Runner runner;

    public TaskPool(int workers, int capacity, TaskOverflow overflow, boolean coroutines) {
        this.workers = workers;
        this.capacity = capacity;
        this.overflow = overflow;
        this.coroutines = coroutines;
        this.queue = new Channel<>(capacity);
    }

    /** Starts the workers. */
    public void start(Runner r) {
        this.runner = r;
        for (int i = 0; i < workers; i++) {
            int workerId = i;
            if (coroutines) {
                CorunRuntime.get().go("tcp-task-worker-" + i, this::coroutineWorker);
            } else {
                Thread t = Thread.ofPlatform().daemon().name("tcp-task-worker-" + workerId).start(this::threadWorker);
                threads.add(t);
            }
        }
    }

    private void coroutineWorker() {
        Semaphore done = new Semaphore(0);
        TaskRecord t;
        while ((t = queue.pop()) != null) {
            if (t.result.isDone()) {
                continue; // cancelled by shutdown while queued
            }
            try {
                runner.start(t, done::release);
            } catch (RuntimeException tooMany) { // maxCoroutines reached: report, never lose the task
                complete(t, TaskResult.failed(t.id, tooMany));
                continue;
            }
            done.acquireUninterruptibly();
        }
    }

    private void threadWorker() {
        TaskRecord t;
        while ((t = queue.pop()) != null) {
            if (!t.result.isDone()) {
                runner.runHere(t);
            }
        }
    }

    // ---- dispatching --------------------------------------------------------------------------

    /** Makes a task's record and counts it in flight, or refuses it if the pool is closing. */
    public TaskRecord admit(Object data) {
        if (data == null) {
            throw new NullPointerException("task data must not be null");
        }
        TaskRecord t = new TaskRecord(nextId.incrementAndGet(), data, Co.getCid());
        inflight.put(t.id, t);
        if (closing) {
            inflight.remove(t.id);
            throw new IllegalStateException("the server is shutting down: no new tasks are accepted");
        }
        dispatched.incrementAndGet();
        return t;
    }

    /**
     * Queues an admitted task from a Java coroutine or thread: parks while the queue is full
     * (BLOCK, at most until {@code deadlineNanos}) or throws (FAIL).
     *
     * @return false if the deadline passed first (the task is withdrawn)
     * @throws TaskPoolFullException with FAIL and a full queue
     * @throws IllegalStateException if the pool closed or the caller was cancelled meanwhile
     */
    public boolean enqueue(TaskRecord t, long deadlineNanos) {
        Status s;
        if (overflow == TaskOverflow.FAIL) {
            s = queue.trySend(t);
            if (s == Status.TIMEOUT) {
                unadmit(t);
                rejected.incrementAndGet();
                throw new TaskPoolFullException(capacity, workers);
            }
        } else if (deadlineNanos == Long.MAX_VALUE) {
            s = queue.push(t, null);
        } else {
            s = queue.push(t, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        }
        return admitted(t, s);
    }

    /** Interprets the queue's answer to a push of an admitted task. */
    public boolean admitted(TaskRecord t, Status s) {
        switch (s) {
            case OK:
                return true;
            case TIMEOUT:
                unadmit(t);
                return false;
            default:
                unadmit(t);
                throw new IllegalStateException(s == Status.CANCELED
                        ? "the coroutine was cancelled while waiting for room in the task queue"
                        : "the server is shutting down: no new tasks are accepted");
        }
    }

    public int capacity() {
        return capacity;
    }

    public int workers() {
        return workers;
    }

    /** Undoes {@link #admit} for a task that never entered the queue. */
    public void unadmit(TaskRecord t) {
        inflight.remove(t.id);
        dispatched.decrementAndGet();
        if (t.claimCompletion()) {
            t.result.complete(TaskResult.canceled(t.id, "not queued"));
        }
    }

    public Channel<TaskRecord> queue() {
        return queue;
    }

    public TaskOverflow overflow() {
        return overflow;
    }

    public void countRejected() {
        rejected.incrementAndGet();
    }

    // ---- running and completing --------------------------------------------------------------

    /** Runs the handler body of {@code t} on this thread and completes the task with its value or failure. */
    public void run(TaskRecord t, java.util.concurrent.Callable<Object> body) {
        CURRENT.set(t);
        try {
            Object v = body.call();
            complete(t, TaskResult.ok(t.id, v));
        } catch (Throwable e) {
            completeFailed(t, e);
        } finally {
            CURRENT.remove();
        }
    }

    public void completeFailed(TaskRecord t, Throwable e) {
        if (complete(t, TaskResult.failed(t.id, e))) {
            LOG.log(System.Logger.Level.WARNING, "task " + t.id + " failed; its finish handler or waiter gets FAILED", e);
        }
    }

    /**
     * Completes the task once; later calls do nothing and return false. The counters and the
     * in-flight set are updated before the result is published, since publishing it runs the
     * finish handler's start and wakes waiters: whoever sees the result (or an empty in-flight
     * set, as shutdown does) sees the books already closed.
     */
    public boolean complete(TaskRecord t, TaskResult r) {
        if (!t.claimCompletion()) {
            return false;
        }
        switch (r.outcome()) {
            case OK -> finished.incrementAndGet();
            case FAILED -> failed.incrementAndGet();
            default -> canceled.incrementAndGet();
        }
        inflight.remove(t.id);
        t.result.complete(r);
        return true;
    }

    /** The task whose handler runs on this thread (a Java task coroutine or a worker thread), or null. */
    public static ThreadLocal<TaskRecord> current() {
        return CURRENT;
    }

    // ---- waiting -----------------------------------------------------------------------------

    /** Waits for {@code t} until {@code deadlineNanos} ({@code Long.MAX_VALUE}: forever), parking a Java coroutine. */
    public static TaskResult await(TaskRecord t, long deadlineNanos) {
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                return t.result.get();
            }
            long left = deadlineNanos - System.nanoTime();
            return left <= 0 ? t.result.getNow(TaskResult.timeout(t.id)) : t.result.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return TaskResult.timeout(t.id);
        } catch (InterruptedException e) {
            return TaskResult.canceled(t.id, "the waiting coroutine was cancelled");
        } catch (java.util.concurrent.ExecutionException e) {
            return TaskResult.failed(t.id, e.getCause()); // never: results complete normally
        }
    }

    public static long deadline(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        long n;
        try {
            n = timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        return now + n < now ? Long.MAX_VALUE : now + n;
    }

    // ---- shutting down -----------------------------------------------------------------------

    /**
     * Refuses new tasks, lets the admitted ones finish until {@code deadlineNanos}, then completes
     * the rest CANCELED and stops the workers.
     *
     * @return true if every admitted task finished by itself
     */
    public boolean close(long deadlineNanos) {
        closing = true;
        List<CompletableFuture<TaskResult>> pending = new ArrayList<>();
        for (TaskRecord t : inflight.values()) {
            pending.add(t.result);
        }
        boolean clean = true;
        try {
            CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
            long left = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            if (left == Long.MAX_VALUE) {
                all.get();
            } else if (left > 0) {
                all.get(left, TimeUnit.NANOSECONDS);
            } else if (!all.isDone()) {
                clean = false;
            }
        } catch (TimeoutException | InterruptedException | java.util.concurrent.ExecutionException e) {
            clean = false;
        }
        for (TaskRecord t : inflight.values()) {
            if (complete(t, TaskResult.canceled(t.id, "the server shut down before task " + t.id + " finished"))) {
                clean = false;
            }
        }
        queue.close();
        for (Thread t : threads) {
            t.interrupt();
        }
        return clean;
    }

    public boolean isClosing() {
        return closing;
    }

    // ---- figures ---------------------------------------------------------------------------

    public int queued() { return queue.length(); }
    public int inflight() { return inflight.size(); }
    public long dispatched() { return dispatched.get(); }
    public long finished() { return finished.get(); }
    public long failed() { return failed.get(); }
    public long canceled() { return canceled.get(); }
    public long rejected() { return rejected.get(); }
}
