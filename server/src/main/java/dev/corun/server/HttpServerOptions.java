package dev.corun.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of an {@link HttpServer}, Swoole's {@code $server->set([...])}. Every
 * field has a safe default; setters return {@code this} so options read as one expression:
 *
 * <pre>{@code
 * server.set(new HttpServerOptions()
 *         .maxBodySize(1 << 20)
 *         .headerTimeout(Duration.ofSeconds(5)));
 * }</pre>
 *
 * <table>
 *   <caption>Defaults and what happens past each limit</caption>
 *   <tr><th>option</th><th>default</th><th>past it</th></tr>
 *   <tr><td>{@code maxInitialLineLength}</td><td>8 KiB</td><td>414, connection closed</td></tr>
 *   <tr><td>{@code maxHeaderSize} (all header lines together)</td><td>8 KiB</td><td>431, connection closed</td></tr>
 *   <tr><td>{@code maxHeaderCount}</td><td>100</td><td>431, connection closed</td></tr>
 *   <tr><td>{@code maxBodySize}</td><td>8 MiB</td><td>413, connection closed (a declared
 *       Content-Length is refused before any body byte is read; a chunked body is counted as it
 *       arrives)</td></tr>
 *   <tr><td>{@code headerTimeout}</td><td>10 s</td><td>408 and closed if the client started a
 *       request and did not finish its headers in time; an idle keep-alive connection is closed
 *       silently</td></tr>
 *   <tr><td>{@code responseWriteTimeout}</td><td>10 s</td><td>connection closed (a client that
 *       stops reading)</td></tr>
 *   <tr><td>{@code shutdownTimeout}</td><td>30 s</td><td>{@code shutdown()} stops waiting for
 *       in-flight requests</td></tr>
 * </table>
 *
 * <p>{@code reactorThreads} (Swoole's {@code reactor_num}) is how many Netty event-loop threads
 * read, parse and write connections; {@link #reactorThreadsToStart()} says how many a server
 * starts when the option is left at 0. With handlers started on the reactor (the default, next
 * paragraph) the reactor threads do most of a short request's work, so the default is one per
 * processor, as Swoole's {@code reactor_num}: on 2 cores one reactor thread left a quarter of
 * the CPU idle under a hello-world load and served 48-77k req/s, two served 74-91k, against raw
 * Ktor's 69-88k in the same runs ({@code bench/http-load.sh}). Four served a little more hello
 * world (86-108k) but cost seed 001's handler 28 % more CPU per request at the same rate, against
 * 10 % for two (both over one thread). With handlers started on the carriers the reactor threads
 * only move bytes, and the default is half the processors, at least one (1 and 2 threads then
 * served hello world and seed 001 at the same rate, 1 with about 20 % less CPU per request).
 *
 * <p>{@code startHandlersOnReactor} (default true): a handler starts on the reactor thread that
 * read its request and runs there until it first waits (a Java handler: parks or yields, as in
 * a channel pop, a sleep, socket I/O or an HTTP client call; a Kotlin handler: suspends, as
 * kotlinx's {@code CoroutineStart.UNDISPATCHED} start does); every resumption after that runs on
 * the corun carriers. It is a corun coroutine all along (its own id, {@code Co.getContext()},
 * cancellation when the client leaves). A handler that answers before it waits then costs no
 * thread switch, as a raw Ktor handler does (hello world: 12-13 instead of 18-19 us of CPU per
 * request). The price: until then it holds up the other connections of that reactor thread, so
 * work that neither waits nor ends quickly (a long computation, file I/O or a native call in a
 * Java handler) should come after a {@code Co.yield()} / {@code coYield()}, or the server should
 * set this option to false and start every handler on the carriers. In a Kotlin handler,
 * corun's blocking forms ({@code Channel.pop()}, {@code Co.sleep()}, ...) fail there as they do on
 * a carrier; a Java handler may call them (they park).
 *
 * <p>Not thread-safe; set options before {@link HttpServer#start()}.
 */
public final class HttpServerOptions {
    private int maxInitialLineLength = 8 * 1024;
    private int maxHeaderSize = 8 * 1024;
    private int maxHeaderCount = 100;
    private long maxBodySize = 8L * 1024 * 1024;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration responseWriteTimeout = Duration.ofSeconds(10);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private int reactorThreads;
    private boolean startHandlersOnReactor = true;

    /** Longest request line (method, target, version) in bytes. */
    public HttpServerOptions maxInitialLineLength(int bytes) {
        this.maxInitialLineLength = positive("maxInitialLineLength", bytes);
        return this;
    }

    /** Largest total size of the header lines in bytes. */
    public HttpServerOptions maxHeaderSize(int bytes) {
        this.maxHeaderSize = positive("maxHeaderSize", bytes);
        return this;
    }

    /** Most header fields in one request. */
    public HttpServerOptions maxHeaderCount(int count) {
        this.maxHeaderCount = positive("maxHeaderCount", count);
        return this;
    }

    /** Largest request body in bytes; the body is buffered up to this size before the handler runs. */
    public HttpServerOptions maxBodySize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxBodySize must be >= 0, got " + bytes);
        }
        this.maxBodySize = bytes;
        return this;
    }

    /** How long a client may take to send a request's headers (and how long a keep-alive connection may idle). */
    public HttpServerOptions headerTimeout(Duration timeout) {
        this.headerTimeout = positive("headerTimeout", timeout);
        return this;
    }

    /** How long one response write may wait for a client that does not read. Whole seconds (Netty's write-timeout handler). */
    public HttpServerOptions responseWriteTimeout(Duration timeout) {
        this.responseWriteTimeout = positive("responseWriteTimeout", timeout);
        return this;
    }

    /** How long {@link HttpServer#shutdown()} waits for in-flight requests. */
    public HttpServerOptions shutdownTimeout(Duration timeout) {
        this.shutdownTimeout = positive("shutdownTimeout", timeout);
        return this;
    }

    /** Netty event-loop threads for the connections (Swoole's {@code reactor_num}); 0 (the default) means {@link #reactorThreadsToStart()}. */
    public HttpServerOptions reactorThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("reactorThreads must be >= 0 (0: the default, see reactorThreadsToStart()), got " + threads);
        }
        this.reactorThreads = threads;
        return this;
    }

    /**
     * Whether a handler, Java or Kotlin, runs on the reactor thread until it first waits (true,
     * the default) or starts on the corun carriers (false); see the class comment for the
     * trade-off.
     */
    public HttpServerOptions startHandlersOnReactor(boolean onReactor) {
        this.startHandlersOnReactor = onReactor;
        return this;
    }

    public int maxInitialLineLength() { return maxInitialLineLength; }
    public int maxHeaderSize() { return maxHeaderSize; }
    public int maxHeaderCount() { return maxHeaderCount; }
    public long maxBodySize() { return maxBodySize; }
    public Duration headerTimeout() { return headerTimeout; }
    public Duration responseWriteTimeout() { return responseWriteTimeout; }
    public Duration shutdownTimeout() { return shutdownTimeout; }
    public int reactorThreads() { return reactorThreads; }
    public boolean startHandlersOnReactor() { return startHandlersOnReactor; }

    /**
     * The reactor threads a server with these options starts: {@link #reactorThreads()} if set;
     * otherwise one per processor when handlers start on the reactor, half the processors (at
     * least one) when they start on the carriers. The class comment gives the measurements.
     */
    public int reactorThreadsToStart() {
        if (reactorThreads > 0) {
            return reactorThreads;
        }
        int processors = Runtime.getRuntime().availableProcessors();
        return startHandlersOnReactor ? processors : Math.max(1, processors / 2);
    }

    /** A copy, so a running server never sees later changes. */
    public HttpServerOptions copy() {
        HttpServerOptions o = new HttpServerOptions();
        o.maxInitialLineLength = maxInitialLineLength;
        o.maxHeaderSize = maxHeaderSize;
        o.maxHeaderCount = maxHeaderCount;
        o.maxBodySize = maxBodySize;
        o.headerTimeout = headerTimeout;
        o.responseWriteTimeout = responseWriteTimeout;
        o.shutdownTimeout = shutdownTimeout;
        o.reactorThreads = reactorThreads;
        o.startHandlersOnReactor = startHandlersOnReactor;
        return o;
    }

    private static int positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
        return v;
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + d);
        }
        return d;
    }
}
