package dev.corun.server.internal;

import dev.corun.server.TaskResult;
import java.util.concurrent.CompletableFuture;

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

    public TaskRecord(long id, Object data, long srcWorkerId) {
        this.id = id;
        this.data = data;
        this.srcWorkerId = srcWorkerId;
    }

    @Override
    public String toString() {
        return "task " + id;
    }
}
