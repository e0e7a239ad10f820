package dev.corun.server;

/**
 * {@code task()} found the task queue full while {@link TcpServerOptions.TaskOverflow#FAIL} is set.
 * Shed the load (answer "busy"), retry later, or raise {@code taskQueueCapacity} /
 * {@code taskWorkerNum}; {@link TcpServerOptions.TaskOverflow#BLOCK} waits instead.
 */
public final class TaskPoolFullException extends RuntimeException {
    public TaskPoolFullException(int capacity, int workers) {
        super("the task pool is full: " + workers + " workers busy and " + capacity
                + " tasks queued; retry later, raise taskQueueCapacity/taskWorkerNum, or use TaskOverflow.BLOCK for back-pressure");
    }
}
