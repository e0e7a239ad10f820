package dev.corun.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link TcpServer} (Swoole's {@code $server->set([...])}), fixed once the server
 * has started.
 *
 * <pre>{@code
 * server.set(new TcpServerOptions()
 *         .taskWorkerNum(4)                    // task_worker_num
 *         .framing(Framing.lengthPrefixed())   // open_length_check
 *         .maxFrameSize(1 << 20));             // package_max_length
 * }</pre>
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>Swoole</th></tr>
 *   <tr><td>{@code taskWorkerNum}</td><td>0 (no task pool: {@code task()} fails)</td><td>task_worker_num</td></tr>
 *   <tr><td>{@code taskQueueCapacity}</td><td>1024 tasks waiting for a worker</td><td>(the task pipe's buffer)</td></tr>
 *   <tr><td>{@code taskOverflow}</td><td>{@link TaskOverflow#BLOCK}</td><td>-</td></tr>
 *   <tr><td>{@code taskEnableCoroutine}</td><td>true: each task runs as a coroutine; false: on {@code taskWorkerNum} platform threads</td><td>task_enable_coroutine</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>100 000; connections beyond are closed at once</td><td>max_connection</td></tr>
 *   <tr><td>{@code framing}</td><td>{@link Framing#raw()}</td><td>open_length_check / open_eof_split</td></tr>
 *   <tr><td>{@code maxFrameSize}</td><td>2 MiB</td><td>package_max_length</td></tr>
 *   <tr><td>{@code readBufferSize}</td><td>8 KiB per connection (bytes read at once; raw framing delivers at most this)</td><td>-</td></tr>
 *   <tr><td>{@code backlog}</td><td>1024</td><td>backlog</td></tr>
 *   <tr><td>{@code idleTimeout}</td><td>none: a connection that sends nothing stays open; set it to close one
 *       that has sent nothing for that long while the server waited for data (the close event follows)</td>
 *       <td>heartbeat_idle_time</td></tr>
 *   <tr><td>{@code sendTimeout}</td><td>60 s: a send to a peer that accepts no data for that long (its receive
 *       buffer and ours are full) fails, and the connection is reset</td><td>-</td></tr>
 * </table>
 */
public final class TcpServerOptions {

    /** What {@code task()} does when the task queue is full. */
    public enum TaskOverflow {
        /** Park the calling coroutine (suspend in Kotlin) until a slot frees: back-pressure. */
        BLOCK,
        /** Throw {@link TaskPoolFullException} at once. */
        FAIL
    }

    private int taskWorkerNum = 0;
    private int taskQueueCapacity = 1024;
    private TaskOverflow taskOverflow = TaskOverflow.BLOCK;
    private boolean taskEnableCoroutine = true;
    private int maxConnections = 100_000;
    private Framing framing = Framing.raw();
    private int maxFrameSize = 2 * 1024 * 1024;
    private int readBufferSize = 8 * 1024;
    private int backlog = 1024;
    private Duration idleTimeout = Duration.ZERO;
    private Duration sendTimeout = Duration.ofSeconds(60);

    public TcpServerOptions taskWorkerNum(int n) {
        this.taskWorkerNum = atLeast(0, n, "taskWorkerNum");
        return this;
    }

    public TcpServerOptions taskQueueCapacity(int n) {
        this.taskQueueCapacity = atLeast(0, n, "taskQueueCapacity");
        return this;
    }

    public TcpServerOptions taskOverflow(TaskOverflow policy) {
        this.taskOverflow = Objects.requireNonNull(policy, "taskOverflow");
        return this;
    }

    public TcpServerOptions taskEnableCoroutine(boolean on) {
        this.taskEnableCoroutine = on;
        return this;
    }

    public TcpServerOptions maxConnections(int n) {
        this.maxConnections = atLeast(1, n, "maxConnections");
        return this;
    }

    public TcpServerOptions framing(Framing f) {
        this.framing = Objects.requireNonNull(f, "framing");
        return this;
    }

    public TcpServerOptions maxFrameSize(int bytes) {
        this.maxFrameSize = atLeast(1, bytes, "maxFrameSize");
        return this;
    }

    public TcpServerOptions readBufferSize(int bytes) {
        this.readBufferSize = atLeast(64, bytes, "readBufferSize");
        return this;
    }

    public TcpServerOptions backlog(int n) {
        this.backlog = atLeast(1, n, "backlog");
        return this;
    }

    /** Closes a connection that sent nothing for this long while the server waited for data; zero: never. */
    public TcpServerOptions idleTimeout(Duration timeout) {
        this.idleTimeout = notNegative(timeout, "idleTimeout");
        return this;
    }

    /** Fails a send (and resets the connection) when the peer accepted no data for this long; zero: never. */
    public TcpServerOptions sendTimeout(Duration timeout) {
        this.sendTimeout = notNegative(timeout, "sendTimeout");
        return this;
    }

    public int taskWorkerNum() { return taskWorkerNum; }
    public int taskQueueCapacity() { return taskQueueCapacity; }
    public TaskOverflow taskOverflow() { return taskOverflow; }
    public boolean taskEnableCoroutine() { return taskEnableCoroutine; }
    public int maxConnections() { return maxConnections; }
    public Framing framing() { return framing; }
    public int maxFrameSize() { return maxFrameSize; }
    public int readBufferSize() { return readBufferSize; }
    public int backlog() { return backlog; }
    public Duration idleTimeout() { return idleTimeout; }
    public Duration sendTimeout() { return sendTimeout; }

    TcpServerOptions copy() {
        return new TcpServerOptions().taskWorkerNum(taskWorkerNum).taskQueueCapacity(taskQueueCapacity)
                .taskOverflow(taskOverflow).taskEnableCoroutine(taskEnableCoroutine).maxConnections(maxConnections)
                .framing(framing).maxFrameSize(maxFrameSize).readBufferSize(readBufferSize).backlog(backlog)
                .idleTimeout(idleTimeout).sendTimeout(sendTimeout);
    }

    private static Duration notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative (zero turns it off), got " + d);
        }
        return d;
    }

    private static int atLeast(int min, int n, String name) {
        if (n < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + n);
        }
        return n;
    }
}
