package dev.corun.server;

import dev.corun.ExitException;
import dev.corun.internal.Blocking;
import dev.corun.internal.Coroutine;
import dev.corun.internal.CorunRuntime;
import dev.corun.server.internal.Connection;
import dev.corun.server.internal.FrameDecoder;
import dev.corun.server.internal.HandlerCoroutines;
import dev.corun.server.internal.SendWatchdog;
import dev.corun.server.internal.TaskPool;
import dev.corun.server.internal.TaskRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP server whose events run as coroutines, with a pool of task workers: Swoole's
 * {@code Swoole\Server} with {@code task_worker_num} (seed 003).
 *
 * <pre>{@code
 * TcpServer server = new TcpServer("127.0.0.1", 9501)
 *         .set(new TcpServerOptions().taskWorkerNum(4).framing(Framing.eol()));
 * server.onReceive((srv, fd, reactorId, data) -> {
 *     long taskId = srv.task(new String(data, UTF_8), (s, id, result) ->
 *             s.send(fd, result.value() + "\n"));          // back in a child of this coroutine
 *     System.out.println("Dispatch AsyncTask: id=" + taskId);
 * });
 * server.onTask((srv, taskId, srcWorkerId, data) -> data + " -> OK");
 * server.start();
 * }</pre>
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>One reader coroutine per connection.</b> An acceptor coroutine accepts connections
 *       (blocking {@code ServerSocket.accept} in a virtual thread on corun's scheduler, parked by
 *       the JDK's poller, so 10 000 idle connections cost 10 000 parked virtual threads, not
 *       threads); each connection gets a reader coroutine that cuts its bytes into frames
 *       ({@link Framing}).</li>
 *   <li><b>Each event is a coroutine, in order.</b> connect, every receive, and close run as a
 *       handler coroutine of their own ({@code Co.getCid()} differs per event); the reader waits
 *       for one to end before starting the next, so a connection's events never overlap and
 *       arrive in order (connect → receive… → close). Different connections run in parallel.</li>
 *   <li><b>Back-pressure.</b> While a handler runs, its connection is not read; the kernel
 *       buffer fills and TCP slows the client. Nothing is buffered without bound.</li>
 *   <li><b>Sends.</b> {@link #send} writes the whole buffer under a per-connection fair lock from
 *       the calling coroutine: safe from many coroutines at once, each call's bytes contiguous,
 *       in the order the calls took the lock. A full socket buffer parks the sender.</li>
 *   <li><b>Task pool.</b> A bounded queue and {@code taskWorkerNum} workers; see
 *       {@link #task(Object)}. There are no worker processes: the "worker" that dispatches a task
 *       is the coroutine that calls {@code task()} ({@code srcWorkerId} is its cid), and the
 *       finish handler runs as a child coroutine of it. There is one acceptor and no reactor
 *       threads, so {@code reactorId} is always 0.</li>
 *   <li><b>Failures stay local.</b> A handler that throws is logged with its fd or task id and
 *       counted in {@link #stats()}; an oversize frame or a reset closes only that connection.</li>
 * </ul>
 *
 * <p>Kotlin: the suspend handlers and sends are extension functions ({@code server.suspending {
 * onReceive { … } }}, {@code coSend}, {@code coTask}, {@code coTaskWait}, {@code coTaskCo}).
 * The blocking forms here fail at once on a carrier thread (a Kotlin coroutine) and name the
 * suspend form.
 */
public final class TcpServer {
    private static final System.Logger LOG = System.getLogger("dev.corun.server");
    /** There are no reactor threads: every event reports reactor 0. */
    public static final int REACTOR_ID = 0;

    /** Starts one event's handler as a coroutine; runs {@code done} when the handler has ended. Not API. */
    interface EventInvoker {
        void start(String name, int fd, byte[] data, Runnable done);
    }

    /** Arranges for a task's finish handler to run once the task completes. Not API. */
    interface FinishInvoker {
        void arm(TaskRecord task);
    }

    private enum State { NEW, STARTED, STOPPING, STOPPED }

    private final String host;
    private final int requestedPort;
    private TcpServerOptions options = new TcpServerOptions();
    private volatile EventInvoker onConnect;
    private volatile EventInvoker onReceive;
    private volatile EventInvoker onClose;
    private volatile TaskPool.Runner onTask;
    private volatile FinishInvoker onFinish;

    private final ConcurrentHashMap<Integer, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger nextFd = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong oversize = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    /** Reader coroutines that have not finished their close event; shutdown waits for zero. */
    private final AtomicInteger liveReaders = new AtomicInteger();
    private final CompletableFuture<Void> allClosed = new CompletableFuture<>();
    private final CompletableFuture<Boolean> terminated = new CompletableFuture<>();
    private final Connection.Host connectionHost = new ConnectionHost();

    private volatile State state = State.NEW;
    private volatile ServerSocket listener;
    private volatile TaskPool pool;

    /**
     * A server that will listen on {@code host:port} once {@link #start()}ed. Port 0 picks a free
     * port; {@link #port()} tells which.
     */
    public TcpServer(String host, int port) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        this.requestedPort = port;
    }

    /** Swoole's {@code $server->set()}: the options to start with (copied). Only before {@link #start()}. */
    public synchronized TcpServer set(TcpServerOptions o) {
        requireState(State.NEW, "set() options");
        this.options = Objects.requireNonNull(o, "options").copy();
        return this;
    }

    public TcpServerOptions options() {
        return options.copy();
    }

    // ---- handlers ----------------------------------------------------------------------------

    /** Swoole's {@code on('Connect')}. */
    public TcpServer onConnect(TcpHandlers.Connect h) {
        Objects.requireNonNull(h, "handler");
        onConnect = javaEvent("connect", (fd, data) -> h.onConnect(this, fd, REACTOR_ID));
        return this;
    }

    /** Swoole's {@code on('Receive')}: one call per message, in order per connection. */
    public TcpServer onReceive(TcpHandlers.Receive h) {
        Objects.requireNonNull(h, "handler");
        onReceive = javaEvent("receive", (fd, data) -> h.onReceive(this, fd, REACTOR_ID, data));
        return this;
    }

    /** Swoole's {@code on('Close')}: once per connection, after its last receive. */
    public TcpServer onClose(TcpHandlers.Close h) {
        Objects.requireNonNull(h, "handler");
        onClose = javaEvent("close", (fd, data) -> h.onClose(this, fd, REACTOR_ID));
        return this;
    }

    /** Swoole's {@code on('Task')}: runs in the task pool; needed when {@code taskWorkerNum > 0}. */
    public TcpServer onTask(TcpHandlers.Task h) {
        Objects.requireNonNull(h, "handler");
        onTask = new TaskPool.Runner() {
            @Override
            public void start(TaskRecord t, Runnable done) {
                HandlerCoroutines.goJava("tcp:task", () -> {
                    try {
                        pool.run(t, () -> h.onTask(TcpServer.this, t.id, t.srcWorkerId, t.data));
                    } finally {
                        done.run();
                    }
                }, e -> pool.completeFailed(t, e));
            }

            @Override
            public void runHere(TaskRecord t) {
                pool.run(t, () -> h.onTask(TcpServer.this, t.id, t.srcWorkerId, t.data));
            }
        };
        return this;
    }

    /**
     * Swoole's {@code on('Finish')}: gets every result of {@link #task(Object)} (not of
     * {@code taskwait}), in a coroutine that is a child of the one that dispatched the task.
     */
    public TcpServer onFinish(TcpHandlers.Finish h) {
        Objects.requireNonNull(h, "handler");
        onFinish = javaFinish(h);
        return this;
    }

    void setConnectInvoker(EventInvoker i) { onConnect = i; }
    void setReceiveInvoker(EventInvoker i) { onReceive = i; }
    void setCloseInvoker(EventInvoker i) { onClose = i; }
    void setTaskRunner(TaskPool.Runner r) { onTask = r; }
    void setFinishInvoker(FinishInvoker i) { onFinish = i; }
    FinishInvoker finishInvoker() { return onFinish; }

    @FunctionalInterface
    private interface EventBody {
        void call(int fd, byte[] data) throws Exception;
    }

    private EventInvoker javaEvent(String event, EventBody body) {
        return (name, fd, data, done) -> HandlerCoroutines.goJava(name, () -> {
            try {
                body.call(fd, data);
            } catch (Throwable t) {
                handlerFailed(event, "fd " + fd, t);
            } finally {
                done.run();
            }
        }, t -> handlerFailed(event, "fd " + fd, t));
    }

    /**
     * A Java finish handler: started when the result arrives (on the thread that completes it),
     * as a child of the coroutine that dispatched the task, which may have ended by then.
     */
    private FinishInvoker javaFinish(TcpHandlers.Finish h) {
        return t -> {
            Coroutine dispatcher = Coroutine.current();
            t.result.thenAccept(r -> {
                try {
                    HandlerCoroutines.goJava(dispatcher, "tcp:finish", () -> h.onFinish(this, t.id, r),
                            e -> handlerFailed("finish", "task " + t.id, e));
                } catch (IllegalStateException tooMany) { // CoOptions.maxCoroutines: reported, not dropped silently
                    handlerFailed("finish", "task " + t.id + " with result " + r + ", not delivered", tooMany);
                }
            });
        };
    }

    /** Logs and counts what a handler threw; the server keeps serving. Not API. */
    void handlerFailed(String event, String what, Throwable t) {
        handlerFailures.incrementAndGet();
        if (t instanceof ExitException x) {
            LOG.log(System.Logger.Level.INFO, event + " handler (" + what + ") called Co.exit(" + x.getStatus() + "); the server keeps serving");
        } else {
            LOG.log(System.Logger.Level.WARNING, event + " handler (" + what + ") threw; the server keeps serving", t);
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Binds, starts the task workers and the acceptor, and returns once the server listens
     * (unlike Swoole's {@code start()}, which blocks: call {@link #awaitShutdown()} for that).
     *
     * @throws IOException if the address cannot be bound (in use, not local)
     * @throws IllegalStateException if {@code taskWorkerNum > 0} and no task handler is set, or if started twice
     */
    public synchronized TcpServer start() throws IOException {
        requireState(State.NEW, "start()");
        TcpServerOptions o = options;
        if (o.taskWorkerNum() > 0 && onTask == null) {
            throw new IllegalStateException("taskWorkerNum is " + o.taskWorkerNum()
                    + " but no task handler is set: call onTask(...) before start()");
        }
        ServerSocket ss = new ServerSocket();
        try {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(host, requestedPort), o.backlog());
        } catch (IOException e) {
            ss.close();
            throw new IOException("cannot listen on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        listener = ss;
        if (o.taskWorkerNum() > 0) {
            TaskPool p = new TaskPool(o.taskWorkerNum(), o.taskQueueCapacity(), o.taskOverflow(), o.taskEnableCoroutine());
            pool = p;
            p.start(onTask);
        }
        state = State.STARTED;
        CorunRuntime.get().go("tcp-accept:" + ss.getLocalPort(), this::acceptLoop);
        if (!o.sendTimeout().isZero()) {
            SendWatchdog.start("tcp-send-watchdog:" + ss.getLocalPort(), o.sendTimeout(), connections.values(),
                    () -> state != State.STOPPED);
        }
        return this;
    }

    /** The port the server listens on (the chosen one if constructed with port 0). */
    public int port() {
        ServerSocket ss = listener;
        if (ss == null) {
            throw new IllegalStateException("the server is not started; call start() first");
        }
        return ss.getLocalPort();
    }

    public String host() {
        return host;
    }

    private void acceptLoop() {
        ServerSocket ss = listener;
        long lastAcceptError = 0;
        long acceptedInBurst = 0;
        while (state == State.STARTED) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                if (state != State.STARTED || ss.isClosed()) {
                    return;
                }
                long now = System.nanoTime();
                if (now - lastAcceptError > TimeUnit.SECONDS.toNanos(1)) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed on port " + ss.getLocalPort()
                            + " (" + e.getMessage() + "); retrying. Out of file descriptors? Raise ulimit -n or lower maxConnections");
                    lastAcceptError = now;
                }
                dev.corun.Co.sleep(Duration.ofMillis(10)); // back off: accept errors such as EMFILE repeat at once
                continue;
            }
            accept(s);
            if (++acceptedInBurst % 64 == 0) {
                dev.corun.Co.yield(); // a burst of pending connections never parks accept(): let the readers run
            }
        }
    }

    private void accept(Socket s) {
        accepted.incrementAndGet();
        if (connections.size() >= options.maxConnections() || state != State.STARTED) {
            refused.incrementAndGet();
            closeQuietly(s);
            return;
        }
        int fd = nextFd.incrementAndGet();
        Connection c;
        try {
            s.setTcpNoDelay(true);
            c = new Connection(fd, s, connectionHost, FrameDecoder.create(options.framing(), options.maxFrameSize()),
                    options.readBufferSize(), (int) Math.min(Integer.MAX_VALUE, options.idleTimeout().toMillis()));
        } catch (IOException e) {
            closeQuietly(s);
            closed.incrementAndGet();
            return;
        }
        connections.put(fd, c);
        liveReaders.incrementAndGet();
        try {
            CorunRuntime.get().go("tcp-conn:" + fd, c::run);
        } catch (IllegalStateException tooMany) {
            LOG.log(System.Logger.Level.WARNING, "connection " + fd + " closed at once: " + tooMany.getMessage());
            liveReaders.decrementAndGet();
            connections.remove(fd);
            c.close();
            refused.incrementAndGet();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the peer sees a closed connection either way
        }
    }

    /** Graceful shutdown with a 30 s grace period; see {@link #shutdown(Duration)}. */
    public boolean shutdown() {
        return shutdown(Duration.ofSeconds(30));
    }

    /**
     * Graceful shutdown: stops accepting, refuses new tasks, lets the tasks in flight finish
     * until {@code grace} has passed (their finish handlers and waiters get the results), reports
     * the rest as {@link TaskResult.Outcome#CANCELED}, then closes every connection and waits
     * for the close handlers. Call it from outside the server's handlers (a handler waiting for
     * its own connection to close would wait out the grace period).
     *
     * @return true if everything finished within the grace period; false if tasks were cancelled
     *         or handlers were still running
     */
    public boolean shutdown(Duration grace) {
        synchronized (this) {
            if (state == State.NEW) {
                state = State.STOPPED;
                terminated.complete(true);
                return true;
            }
            if (state != State.STARTED) {
                return awaitShutdown();
            }
            state = State.STOPPING;
        }
        long deadline = TaskPool.deadline(grace);
        try {
            listener.close();
        } catch (IOException ignored) {
            // not accepting either way
        }
        boolean clean = true;
        TaskPool p = pool;
        if (p != null) {
            clean = p.close(deadline);
        }
        for (Connection c : connections.values()) {
            c.close();
        }
        if (liveReaders.get() == 0) {
            allClosed.complete(null);
        }
        try {
            long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left == Long.MAX_VALUE) {
                allClosed.get();
            } else {
                allClosed.get(Math.max(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, liveReaders.get() + " connections still had a handler running at the end of the grace period");
            clean = false;
        }
        state = State.STOPPED;
        terminated.complete(clean);
        return clean;
    }

    /** Blocks (parks a coroutine) until {@link #shutdown} has completed; returns its result. */
    public boolean awaitShutdown() {
        Blocking.check("TcpServer.awaitShutdown()", "coAwaitShutdown()");
        return terminated.join();
    }

    /** Completes when the server has shut down, with {@link #shutdown}'s result. */
    public CompletableFuture<Boolean> terminated() {
        return terminated;
    }

    public boolean isRunning() {
        return state == State.STARTED;
    }

    private void requireState(State s, String what) {
        if (state != s) {
            throw new IllegalStateException("cannot " + what + ": the server is " + state.name().toLowerCase());
        }
    }

    // ---- connections -------------------------------------------------------------------------

    /**
     * Swoole's {@code $server->send($fd, $data)}: writes {@code data} as it is (no framing added;
     * see {@link #sendFrame}) to connection {@code fd}. Safe from many coroutines at once: each
     * call's bytes arrive contiguous. Parks the calling coroutine while the peer does not read.
     *
     * @return false if {@code fd} is not open (closed, unknown) or the write failed (the
     *         connection is then closed)
     * @throws IllegalStateException from a Kotlin coroutine: call {@code coSend} instead
     */
    public boolean send(int fd, byte[] data) {
        Objects.requireNonNull(data, "data");
        Blocking.check("TcpServer.send()", "coSend()");
        Connection c = connections.get(fd);
        return c != null && c.write(data, 0, data.length);
    }

    /** {@link #send(int, byte[])} of the string's UTF-8 bytes. */
    public boolean send(int fd, String data) {
        return send(fd, data.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code payload} framed by the server's {@link Framing} (length header or delimiter added). */
    public boolean sendFrame(int fd, byte[] payload) {
        return send(fd, options.framing().encode(payload));
    }

    /**
     * Swoole's {@code $server->close($fd)}: closes the connection; its close handler runs after
     * the handler that is running for it, if any, has ended.
     *
     * @return false if {@code fd} was not open
     */
    public boolean close(int fd) {
        Connection c = connections.get(fd);
        if (c == null || c.isClosed()) {
            return false;
        }
        c.close();
        return true;
    }

    /** Swoole's {@code $server->exist($fd)}: whether connection {@code fd} is open. */
    public boolean exists(int fd) {
        Connection c = connections.get(fd);
        return c != null && !c.isClosed();
    }

    /** The fds of the open connections (Swoole's {@code $server->connections}). */
    public int[] connectionList() {
        return connections.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** The remote address of connection {@code fd}, or null. */
    public String remoteAddress(int fd) {
        Connection c = connections.get(fd);
        return c == null ? null : c.remote();
    }

    /** Swoole's {@code $server->stats()}. */
    public TcpServerStats stats() {
        TaskPool p = pool;
        return new TcpServerStats(connections.size(), accepted.get(), closed.get(), refused.get(),
                frames.get(), bytesIn.get(), bytesOut.get(), oversize.get(), handlerFailures.get(),
                p == null ? 0 : p.queued(), p == null ? 0 : p.inflight(), p == null ? 0 : p.dispatched(),
                p == null ? 0 : p.finished(), p == null ? 0 : p.failed(), p == null ? 0 : p.canceled(),
                p == null ? 0 : p.rejected());
    }

    private final class ConnectionHost implements Connection.Host {
        @Override
        public void connected(Connection c) {
            dispatch(onConnect, "tcp:connect", c, null);
        }

        @Override
        public void received(Connection c, byte[] frame) {
            frames.incrementAndGet();
            dispatch(onReceive, "tcp:receive", c, frame);
        }

        @Override
        public void frameTooLarge(Connection c, FrameTooLargeException e) {
            oversize.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "connection " + c.fd + " (" + c.remote() + ") closed: " + e.getMessage());
        }

        @Override
        public void closed(Connection c) {
            // Forgotten before the close handler runs: inside it, stats() no longer counts the
            // connection and exists(fd) is false (its socket is closed already).
            connections.remove(c.fd);
            closed.incrementAndGet();
            try {
                dispatch(onClose, "tcp:close", c, null);
            } finally {
                if (liveReaders.decrementAndGet() == 0 && state != State.STARTED) {
                    allClosed.complete(null);
                }
            }
        }

        @Override
        public void countIn(int bytes) {
            bytesIn.addAndGet(bytes);
        }

        @Override
        public void countOut(int bytes) {
            bytesOut.addAndGet(bytes);
        }

        /** Runs the handler as a coroutine and waits for it: a connection's events never overlap. */
        private void dispatch(EventInvoker h, String name, Connection c, byte[] data) {
            if (h == null) {
                return;
            }
            try {
                h.start(name, c.fd, data, c.handlerDone::release);
            } catch (RuntimeException e) { // maxCoroutines reached
                LOG.log(System.Logger.Level.WARNING, "connection " + c.fd + ": cannot start its " + name
                        + " handler (" + e.getMessage() + "); closing it");
                c.close();
                return;
            }
            c.handlerDone.acquireUninterruptibly();
        }
    }

    // ---- tasks -------------------------------------------------------------------------------

    /**
     * Swoole's {@code $server->task($data)}: queues {@code data} for the task pool and returns
     * its id at once (ids are unique per server, counting up from 1). The result goes to the
     * {@link #onFinish} handler, which runs as a child coroutine of the caller. With a full queue
     * the caller parks ({@link TcpServerOptions.TaskOverflow#BLOCK}) or gets a
     * {@link TaskPoolFullException} ({@link TcpServerOptions.TaskOverflow#FAIL}).
     *
     * @throws IllegalStateException if there is no task pool ({@code taskWorkerNum} is 0), the
     *         server is shutting down, or from a Kotlin coroutine (call {@code coTask})
     */
    public long task(Object data) {
        return dispatch(data, onFinish);
    }

    /**
     * {@link #task(Object)} with a finish callback for this task only (instead of the
     * {@code onFinish} handler), run as a child coroutine of the caller. Handy to answer the
     * connection that asked:
     * <pre>{@code server.task(data, (s, id, r) -> s.send(fd, r.value() + "\n"));}</pre>
     */
    public long task(Object data, TcpHandlers.Finish callback) {
        return dispatch(data, javaFinish(Objects.requireNonNull(callback, "callback")));
    }

    long dispatch(Object data, FinishInvoker finish) {
        Blocking.check("TcpServer.task()", "coTask()");
        TaskPool p = requirePool();
        TaskRecord t = p.admit(data);
        p.enqueue(t, Long.MAX_VALUE);
        if (finish != null) {
            finish.arm(t);
        }
        return t.id;
    }

    /**
     * Swoole's {@code $server->taskwait($data, $timeout)}: dispatches a task and parks the calling
     * coroutine until its result or the timeout (the finish handler is not called). Waiting for
     * room in a full queue counts against the timeout.
     *
     * @param timeout null or negative: wait forever
     * @return the result; {@link TaskResult.Outcome#TIMEOUT} if it did not come in time (the task
     *         may still run), FAILED if the task threw, CANCELED on shutdown or cancellation
     */
    public TaskResult taskwait(Object data, Duration timeout) {
        Blocking.check("TcpServer.taskwait()", "coTaskWait()");
        TaskPool p = requirePool();
        long deadline = TaskPool.deadline(timeout);
        TaskRecord t = p.admit(data);
        if (!p.enqueue(t, deadline)) {
            return TaskResult.timeout(t.id);
        }
        return TaskPool.await(t, deadline);
    }

    /**
     * Swoole's {@code taskWaitMulti($tasks, $timeout)}: dispatches every task, then parks until
     * all have a result or the timeout has passed. Returns one result per task, in order; slots
     * that did not finish in time say TIMEOUT (never silently dropped); a slot refused by a full
     * pool (FAIL policy) says FAILED with the {@link TaskPoolFullException}.
     */
    public List<TaskResult> taskWaitMulti(List<?> data, Duration timeout) {
        Blocking.check("TcpServer.taskWaitMulti()", "coTaskCo()");
        TaskPool p = requirePool();
        long deadline = TaskPool.deadline(timeout);
        List<Object> slots = new ArrayList<>(data.size());
        for (Object d : data) {
            TaskRecord t = p.admit(d);
            try {
                slots.add(p.enqueue(t, deadline) ? t : TaskResult.timeout(t.id));
            } catch (TaskPoolFullException full) {
                slots.add(TaskResult.failed(t.id, full));
            }
        }
        List<TaskResult> results = new ArrayList<>(slots.size());
        for (Object s : slots) {
            results.add(s instanceof TaskRecord t ? TaskPool.await(t, deadline) : (TaskResult) s);
        }
        return results;
    }

    /**
     * Swoole's {@code taskCo($tasks, $timeout)}: the same as {@link #taskWaitMulti} here, since a
     * Java caller is always either a coroutine (which parks) or a plain thread (which blocks).
     */
    public List<TaskResult> taskCo(List<?> data, Duration timeout) {
        return taskWaitMulti(data, timeout);
    }

    /**
     * Swoole's {@code $server->finish($result)}, called inside a task handler: sets the task's
     * result now (the finish handler or waiter gets it at once); the handler's return value is
     * then ignored.
     *
     * @return false if the task already had a result (finish called twice, or cancelled by shutdown)
     * @throws IllegalStateException outside a task handler
     */
    public boolean finish(Object result) {
        TaskRecord t = TaskPool.current().get();
        if (t == null) {
            throw new IllegalStateException("finish() must be called inside a task handler (onTask), on its own coroutine or thread");
        }
        return requirePool().complete(t, TaskResult.ok(t.id, result));
    }

    TaskPool requirePool() {
        TaskPool p = pool;
        if (p == null) {
            throw new IllegalStateException(state == State.NEW
                    ? "the server is not started; call start() before task()"
                    : "this server has no task pool: set(new TcpServerOptions().taskWorkerNum(n)) and onTask(...) before start()");
        }
        return p;
    }

    @Override
    public String toString() {
        ServerSocket ss = listener;
        return "TcpServer[" + host + ":" + (ss == null ? requestedPort : ss.getLocalPort()) + ", " + state.name().toLowerCase() + "]";
    }
}
