package dev.corun.server.internal;

import dev.corun.server.TaskResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One dispatched task. Its {@link #result} is completed exactly once (by the handler's return,
 * {@code finish()}, a throw, or shutdown), and everything that reports the task (finish
 * handler, callback, {@code taskwait}) reads that one completion, so no task is reported twice
 * or lost.
 */
public final class TaskRecord {
    public final long id;
    public final Object data;
    /** The cid of the coroutine that called {@code task()}, -1 from a plain thread (Swoole's src_worker_id). */
    public final long srcWorkerId;
    public final CompletableFuture<TaskResult> result = new CompletableFuture<>();
    /** Claimed by the one completer, which updates the pool's books before completing {@link #result}. */
    private final AtomicBoolean completing = new AtomicBoolean();

    public TaskRecord(long id, Object data, long srcWorkerId) {
        this.id = id;
        this.data = data;
        this.srcWorkerId = srcWorkerId;
    }

    /** True for the first caller only: it alone may complete {@link #result}. */
    public boolean claimCompletion() {
        return completing.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return "task " + id;
    }
}
