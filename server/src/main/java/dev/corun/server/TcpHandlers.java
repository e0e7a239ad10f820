package dev.corun.server;

/**
 * The event handlers of a {@link TcpServer}, Swoole's {@code onConnect}, {@code onReceive},
 * {@code onClose}, {@code onTask} and {@code onFinish}. Each call runs as a coroutine of its
 * own, so a handler may block on channels, sleeps, sockets and clients. What a handler throws
 * is logged with the connection or task; it never stops the server.
 *
 * <p>Java cannot tell lambdas of the same shape apart, so Swoole's {@code $server->on('Receive',
 * fn)} is {@code server.onReceive(fn)} here.
 */
public final class TcpHandlers {
    private TcpHandlers() {}

    /** A connection was accepted. The first event of every connection. */
    @FunctionalInterface
    public interface Connect {
        void onConnect(TcpServer server, int fd, int reactorId) throws Exception;
    }

    /** A message (a frame, or a read's bytes with raw framing) arrived on connection {@code fd}. */
    @FunctionalInterface
    public interface Receive {
        void onReceive(TcpServer server, int fd, int reactorId, byte[] data) throws Exception;
    }

    /** Connection {@code fd} is closed (by the peer, a reset, {@code server.close(fd)}, an oversize frame or shutdown). The last event of every connection; the fd is already forgotten ({@code exists(fd)} is false, {@code send} fails, {@code stats()} no longer counts it). */
    @FunctionalInterface
    public interface Close {
        void onClose(TcpServer server, int fd, int reactorId) throws Exception;
    }

    /**
     * Runs one task in the task pool. The returned value is the task's result, unless the handler
     * called {@link TcpServer#finish(Object)} first. {@code srcWorkerId} is the id of the
     * coroutine that dispatched the task (-1 if it was a plain thread).
     */
    @FunctionalInterface
    public interface Task {
        Object onTask(TcpServer server, long taskId, long srcWorkerId, Object data) throws Exception;
    }

    /**
     * Receives a task's result, as a coroutine that is a child of the coroutine that called
     * {@code task()}. Called exactly once per task dispatched with {@code task()}, including a
     * failed or cancelled task ({@link TaskResult#outcome()} says which).
     */
    @FunctionalInterface
    public interface Finish {
        void onFinish(TcpServer server, long taskId, TaskResult result) throws Exception;
    }
}
