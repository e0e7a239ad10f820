package dev.corun.server.internal

import io.ktor.http.HttpMethod
import io.ktor.http.cio.ConnectionOptions
import io.ktor.http.cio.RequestResponseBuilder
import io.ktor.http.cio.parseHttpBody
import io.ktor.http.cio.parseResponse
import io.ktor.network.selector.SelectorManager
import io.ktor.network.sockets.Socket
import io.ktor.network.sockets.aSocket
import io.ktor.network.sockets.openReadChannel
import io.ktor.network.sockets.openWriteChannel
import io.ktor.network.tls.tls
import io.ktor.utils.io.ByteChannel
import io.ktor.utils.io.ByteReadChannel
import io.ktor.utils.io.ByteWriteChannel
import io.ktor.utils.io.readByteArray
import io.ktor.utils.io.readRemaining
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.withTimeout
import kotlinx.io.readByteArray
import java.io.EOFException
import java.util.ArrayDeque
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

/**
 * Keep-alive HTTP/1.1 connections to one host and port, on Ktor CIO's own layers: ktor-network
 * sockets (the CIO selector) and ktor-http-cio's request builder and response parser.
 *
 * Why not Ktor's CIO client engine: in Ktor 3.5.2 it cannot reuse a connection.
 * - With its defaults (`pipelining = false`) every request goes through
 *   `Endpoint.makeDedicatedRequest`, which opens a connection and closes it when the call
 *   completes (one TIME_WAIT socket per request).
 * - With `pipelining = true`, `ConnectionPipeline` calls `writeRequest(..., closeChannel = false)`,
 *   but `writeRequest` passes the flag to `writeHeaders` only; `writeBody` closes the output with
 *   its default `closeChannel = true`. The connection is half-closed after the first request and a
 *   Netty server drops it before answering (fixed upstream by KTOR-7009, ktor PR 5798, not in
 *   3.5.2, the newest release).
 * - GET/HEAD only: any other method, and any request with its own connect or socket timeout,
 *   takes the dedicated path anyway (`requiresDedicatedConnection`).
 *
 * Two transports share the pool's permits:
 * - suspending callers (Kotlin coroutines) use ktor-network sockets, as above;
 * - callers that may block (Java coroutines, plain threads) use [BlockingConnection]s: a JDK
 *   socket read and written by the caller's own virtual thread, parsed by the same CIO parser.
 *   Each transport keeps its own idle list, since a blocking socket must never be used from a
 *   carrier and a ktor-network socket would bring back the thread hops the blocking one saves.
 *
 * Invariants: at most [poolSize] connections are open (a permit per connection in use; idle ones
 * were in use before and hold none); a connection is used by one request at a time (no
 * pipelining) and goes back to the idle list only after its response body was read completely
 * and neither side asked to close; idle connections older than [keepAliveMillis] are closed
 * instead of reused. A request that finds a reused connection dead before any response byte is
 * retried once on a fresh connection if it is a GET or HEAD (the server may have closed it while
 * idle; other methods are not retried, they may have had an effect, so they probe an idle
 * connection before using it instead).
 */
internal class KeepAlivePool private constructor(
    private val host: String,
    private val port: Int,
    private val ssl: Boolean,
    private val poolSize: Int,
    private val keepAliveMillis: Long,
    private val connectTimeoutMillis: Long,
) {
    /** A pooled connection of either transport. */
    private sealed class Conn {
        abstract val input: ByteReadChannel
        var lastUsed = System.nanoTime()
        val reused get() = uses > 0
        var uses = 0

        /** Writes the request (head and body) and flushes. */
        abstract suspend fun send(head: ByteArray, body: ByteArray?)
        abstract fun close()

        /** True if the idle connection is known to be unusable; [thorough] may cost a syscall. */
        open fun looksClosed(thorough: Boolean): Boolean = input.isClosedForRead
    }

    private class SocketConn(val socket: Socket, override val input: ByteReadChannel, val output: ByteWriteChannel) : Conn() {
        override suspend fun send(head: ByteArray, body: ByteArray?) {
            output.writeFully(head)
            if (body != null) output.writeFully(body)
            output.flush()
        }

        override fun close() {
            runCatching { socket.close() }
        }
    }

    private class BlockingConn(val connection: BlockingConnection) : Conn() {
        override val input: ByteReadChannel get() = connection.input
        override suspend fun send(head: ByteArray, body: ByteArray?) = connection.send(head, body)
        override fun close() = connection.close()

        // Nothing reads a blocking connection while it is idle, so only a probe sees the server's close.
        override fun looksClosed(thorough: Boolean): Boolean = input.isClosedForRead || (thorough && connection.probeClosed())
    }

    class RawResponse(val status: Int, val headers: Map<String, String>, val body: ByteArray)

    /** The connect step failed (refused, unresolvable, timed out): status -1. */
    class ConnectFailed(message: String, cause: Throwable?) : java.io.IOException(message, cause)

    private val permits = Semaphore(poolSize)
    private val idle = ArrayDeque<SocketConn>()
    private val idleBlocking = ArrayDeque<BlockingConn>()
    private val hostHeader = if ((ssl && port == 443) || (!ssl && port == 80)) host else "$host:$port"

    /** Connections opened so far (for tests and the findings). */
    val opened = AtomicLong()

    /**
     * One request and its whole response. With [blockingDeadlineNanos] set (plain HTTP only), the
     * request runs on a [BlockingConnection] in the caller's thread and its reads stop at that
     * deadline ([BlockingConnection.RequestTimedOut]); without, on ktor-network sockets, and the
     * caller bounds it with `withTimeout`.
     */
    suspend fun execute(method: String, target: String, headers: List<Pair<String, String>>, body: ByteArray?, blockingDeadlineNanos: Long? = null): RawResponse {
        check(blockingDeadlineNanos == null || !ssl) { "blocking connections are plain HTTP only" }
        permits.acquire()
        try {
            val blocking = blockingDeadlineNanos != null
            val retriable = method == "GET" || method == "HEAD"
            var conn: Conn = (if (blocking) takeIdle(idleBlocking, !retriable) else takeIdle(idle, !retriable)) ?: open(blocking)
            try {
                val r = try {
                    exchange(conn, method, target, headers, body, blockingDeadlineNanos)
                } catch (e: java.io.IOException) {
                    if (!conn.reused || !retriable) throw e
                    conn.close() // the server closed it while it was idle: a GET once more on a fresh one
                    conn = open(blocking)
                    exchange(conn, method, target, headers, body, blockingDeadlineNanos)
                }
                if (r.second) giveBack(conn) else conn.close()
                return r.first
            } catch (t: Throwable) {
                conn.close()
                throw t
            }
        } finally {
            permits.release()
        }
    }

    /**
     * The most recently used idle connection that is still usable, or null. A request that will
     * not be retried on a fresh connection ([thorough]) also probes it (outside the lock).
     */
    private fun <C : Conn> takeIdle(list: ArrayDeque<C>, thorough: Boolean): C? {
        while (true) {
            val c = synchronized(list) { list.pollFirst() } ?: return null
            if (System.nanoTime() - c.lastUsed < keepAliveMillis * 1_000_000 && !c.looksClosed(thorough)) return c
            c.close()
        }
    }

    private fun giveBack(c: Conn) {
        c.lastUsed = System.nanoTime()
        c.uses++
        // most recently used first: the warm ones get reused
        when (c) {
            is SocketConn -> synchronized(idle) { idle.addFirst(c) }
            is BlockingConn -> synchronized(idleBlocking) { idleBlocking.addFirst(c) }
        }
    }

    private suspend fun open(blocking: Boolean): Conn = if (blocking) connectBlocking() else connect()

    private fun connectBlocking(): BlockingConn {
        val connection = try {
            BlockingConnection.open(host, port, connectTimeoutMillis)
        } catch (e: java.net.SocketTimeoutException) {
            throw ConnectFailed("connect to $host:$port timed out after $connectTimeoutMillis ms", e)
        } catch (e: java.net.UnknownHostException) {
            throw ConnectFailed("cannot resolve $host", e)
        } catch (e: java.io.IOException) {
            throw ConnectFailed("connect to $host:$port failed: $e", e)
        }
        opened.incrementAndGet()
        return BlockingConn(connection)
    }

    private suspend fun connect(): SocketConn {
        val socket = try {
            withTimeout(connectTimeoutMillis) {
                val plain = aSocket(selector).tcp().connect(host, port) { noDelay = true }
                if (ssl) plain.tls(Dispatchers.IO) { serverName = host } else plain
            }
        } catch (e: TimeoutCancellationException) {
            throw ConnectFailed("connect to $host:$port timed out after $connectTimeoutMillis ms", e)
        } catch (e: java.io.IOException) {
            throw ConnectFailed("connect to $host:$port failed: $e", e)
        } catch (e: java.nio.channels.UnresolvedAddressException) {
            throw ConnectFailed("cannot resolve $host", e)
        }
        opened.incrementAndGet()
        return SocketConn(socket, socket.openReadChannel(), socket.openWriteChannel(autoFlush = false))
    }

    /** One request and its whole response; the flag says whether the connection may be reused. */
    private suspend fun exchange(c: Conn, method: String, target: String, headers: List<Pair<String, String>>, body: ByteArray?, deadlineNanos: Long?): Pair<RawResponse, Boolean> {
        if (c is BlockingConn && deadlineNanos != null) c.connection.deadlineNanos = deadlineNanos
        val builder = RequestResponseBuilder()
        val head = try {
            builder.requestLine(HttpMethod.parse(method), target, "HTTP/1.1")
            builder.headerLine("Host", hostHeader)
            for ((k, v) in headers) builder.headerLine(k, v)
            if (body != null || method == "POST" || method == "PUT" || method == "PATCH") {
                builder.headerLine("Content-Length", (body?.size ?: 0).toString())
            }
            builder.emptyLine()
            builder.build().readByteArray()
        } finally {
            builder.release()
        }
        c.send(head, body)

        val response = parseResponse(c.input) ?: throw EOFException("the server closed the connection before answering")
        try {
            val headerMap = LinkedHashMap<String, String>()
            for (i in 0 until response.headers.size) {
                headerMap.putIfAbsent(response.headers.nameAt(i).toString().lowercase(), response.headers.valueAt(i).toString())
            }
            val connection = ConnectionOptions.parse(response.headers["Connection"])
            val noBody = method == "HEAD" || response.status == 204 || response.status == 304 || response.status / 100 == 1
            val length = headerMap["content-length"]?.toLongOrNull()
            val chunked = headerMap["transfer-encoding"]?.contains("chunked") == true
            val bytes = if (noBody) ByteArray(0) else if (length != null && !chunked && length <= Int.MAX_VALUE) {
                c.input.readByteArray(length.toInt()) // the common case, without a body-parser coroutine
            } else coroutineScope {
                val sink = ByteChannel()
                launch {
                    try {
                        parseHttpBody(response.headers, c.input, sink)
                    } finally {
                        sink.close()
                    }
                }
                sink.readRemaining().readByteArray()
            }
            val keep = response.version.toString() == "HTTP/1.1" && connection?.close != true &&
                (noBody || headerMap.containsKey("content-length") || headerMap["transfer-encoding"]?.contains("chunked") == true)
            return RawResponse(response.status, headerMap, bytes) to keep
        } finally {
            response.release()
        }
    }

    companion object {
        /**
         * One selector for every pool. Its loop and the sockets' reader and writer coroutines run
         * on a view of `Dispatchers.IO` of [IO_THREADS] threads, as Ktor's CIO engine does: on the
         * whole of `Dispatchers.IO` every flush and read could wake one more thread (the seed 001
         * load had 37 of them on 2 cores, all switching).
         */
        private val selector = SelectorManager(Dispatchers.IO.limitedParallelism(IO_THREADS))
        private const val IO_THREADS = 4
        private val pools = ConcurrentHashMap<List<Any>, KeepAlivePool>()

        /** The process's pool for this host, port and configuration. */
        fun of(host: String, port: Int, ssl: Boolean, poolSize: Int, keepAliveMillis: Long, connectTimeoutMillis: Long): KeepAlivePool =
            pools.computeIfAbsent(listOf(host, port, ssl, poolSize, keepAliveMillis, connectTimeoutMillis)) {
                KeepAlivePool(host, port, ssl, poolSize, keepAliveMillis, connectTimeoutMillis)
            }
    }
}
