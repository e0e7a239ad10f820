package dev.corun.server

import dev.corun.internal.Blocking
import dev.corun.server.internal.BlockingConnection
import dev.corun.server.internal.KeepAlivePool
import io.ktor.http.ContentType
import io.ktor.http.formUrlEncode
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.future.future
import java.io.IOException
import java.util.concurrent.ExecutionException

/**
 * A coroutine HTTP client for one host: Swoole's `Swoole\Coroutine\Http\Client`, on Ktor CIO.
 *
 * A call ([get], [post], [execute]) returns `true` when a response arrived (any status) and
 * `false` when none did; then [statusCode] tells why, Swoole's way: `-1` connect failed
 * (refused, unresolvable, or connect timeout), `-2` request timed out ([HttpClientOptions.timeout]),
 * `-3` the server closed or reset the connection before answering. [errMsg] says more.
 *
 * ```java
 * HttpClient cli = new HttpClient("127.0.0.1", 8080);          // ssl = false
 * cli.set(new HttpClientOptions().timeout(Duration.ofSeconds(3)));
 * cli.setHeaders(Map.of("User-Agent", "corun"));
 * if (cli.get("/index.html")) {
 *     System.out.println(cli.getStatusCode() + " " + cli.getBody());
 * } else {
 *     System.out.println("failed: " + cli.getStatusCode() + " " + cli.getErrMsg());
 * }
 * ```
 *
 * ```kotlin
 * val cli = HttpClient("127.0.0.1", 8080)
 * if (cli.coGet("/")) println(cli.body)
 * ```
 *
 * Blocking and suspending: Java coroutines call [get]/[post]: the call parks the coroutine's
 * virtual thread, never a carrier. Kotlin coroutines call the suspend forms [coGet]/[coPost]; the
 * blocking forms fail there with an [IllegalStateException] naming the suspend form. A plain
 * thread may use the blocking forms too.
 *
 * Connections: every client object for the same host, port and pool settings shares one
 * keep-alive pool of at most [HttpClientOptions.poolSize] connections, built on Ktor CIO's
 * sockets and HTTP codec. Ktor's CIO client engine itself cannot reuse a connection in Ktor 3.5.2
 * (see `KeepAlivePool` for why), so corun does not use the engine. The blocking forms, for plain
 * `http` and request bodies up to [MAX_BLOCKING_BODY] bytes, read and write the connection on
 * the calling thread itself (a JDK socket that parks the virtual thread; the response is still
 * parsed by Ktor CIO's parser): no other thread takes part in the call. `https`, larger bodies and
 * the suspend forms use Ktor's non-blocking sockets.
 *
 * Ownership: like Swoole's, a client object is stateful (headers set, and the status, headers and
 * body of the last call), so one object belongs to one coroutine at a time. Concurrent calls
 * need one object per coroutine; they are cheap and still share the pooled connections.
 */
public class HttpClient @JvmOverloads constructor(
    private val host: String,
    private val port: Int,
    private val ssl: Boolean = false,
) {
    init {
        require(host.isNotBlank()) { "host must not be blank" }
        require(port in 1..65535) { "port must be 1..65535, got $port" }
    }

    private var options = HttpClientOptions()
    private var requestHeaders: Map<String, String> = emptyMap()

    /** The last call's status code, or -1/-2/-3 when it got no response; 0 before any call. */
    @Volatile
    public var statusCode: Int = 0
        private set

    /** The last call's response body (UTF-8), or `""`. */
    @Volatile
    public var body: String = ""
        private set

    /** The last call's response headers, lower-case names (first value of each). */
    @Volatile
    public var headers: Map<String, String> = emptyMap()
        private set

    /** Why the last call got no response, or `""`. */
    @Volatile
    public var errMsg: String = ""
        private set

    /** Timeouts and pool size; Swoole's `set()`. */
    public fun set(options: HttpClientOptions): HttpClient {
        this.options = options.copy()
        return this
    }

    /** Headers sent with every later call (replaces earlier ones); Swoole's `setHeaders()`. */
    public fun setHeaders(headers: Map<String, String>): HttpClient {
        requestHeaders = LinkedHashMap(headers)
        return this
    }

    // ---- blocking forms (Java coroutines, plain threads) ----------------------------------

    /** GET [path]; parks the calling coroutine until the response or a failure. */
    public fun get(path: String): Boolean = blocking("get", "GET", path, null, null)

    /** POST a form (`application/x-www-form-urlencoded`). */
    public fun post(path: String, form: Map<String, String>): Boolean =
        blocking("post", "POST", path, formBody(form), ContentType.Application.FormUrlEncoded)

    /** POST a string body (UTF-8; `Content-Type` from [setHeaders], else `text/plain`). */
    public fun post(path: String, data: String): Boolean = blocking("post", "POST", path, data.toByteArray(), null)

    /** Any method with an optional body. */
    public fun execute(method: String, path: String, data: ByteArray?): Boolean = blocking("execute", method, path, data, null)

    private fun blocking(name: String, method: String, path: String, data: ByteArray?, type: ContentType?): Boolean {
        Blocking.check("HttpClient.$name()", "co${name.replaceFirstChar { it.uppercase() }}()")
        try {
            if (!ssl && (data == null || data.size <= MAX_BLOCKING_BODY)) {
                // Runs to completion on this thread: socket reads park this (virtual) thread.
                return runBlocking { call(method, path, data, type, blockingIo = true) }
            }
            // Unconfined: the request starts on this thread and resumes on CIO's I/O thread; the
            // virtual thread waiting in get() is parked, its carrier is free.
            @OptIn(kotlinx.coroutines.DelicateCoroutinesApi::class)
            val f = GlobalScope.future(Dispatchers.Unconfined) { call(method, path, data, type, blockingIo = false) }
            try {
                return f.get()
            } catch (e: ExecutionException) {
                throw e.cause ?: e
            } catch (e: InterruptedException) {
                f.cancel(true)
                throw e
            }
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
            return cancelled()
        }
    }

    /** Co.cancel of the calling Java coroutine (e.g. its own HTTP client went away). */
    private fun cancelled(): Boolean = fail(STATUS_TIMEOUT, "interrupted (cancelled) while waiting for the response")

    // ---- suspend forms (Kotlin) ------------------------------------------------------------

    /** Suspend form of [get]. */
    @JvmSynthetic
    public suspend fun coGet(path: String): Boolean = coExecute("GET", path, null, null)

    /** Suspend form of [post] with a form. */
    @JvmSynthetic
    public suspend fun coPost(path: String, form: Map<String, String>): Boolean =
        coExecute("POST", path, formBody(form), ContentType.Application.FormUrlEncoded)

    /** Suspend form of [post] with a string body. */
    @JvmSynthetic
    public suspend fun coPost(path: String, data: String): Boolean =
        coExecute("POST", path, data.toByteArray(), null)

    /** Suspend form of [execute]. */
    @JvmSynthetic
    public suspend fun coExecute(method: String, path: String, data: ByteArray?, type: ContentType? = null): Boolean =
        call(method, path, data, type, blockingIo = false)

    private fun formBody(form: Map<String, String>): ByteArray = form.toList().formUrlEncode().toByteArray()

    /** One call; with [blockingIo] on a blocking connection read by this thread (see the class comment). */
    private suspend fun call(method: String, path: String, data: ByteArray?, type: ContentType?, blockingIo: Boolean): Boolean {
        require(path.startsWith("/")) { "path must start with '/', got '$path'" }
        val o = options
        val pool = KeepAlivePool.of(host, port, ssl, o.poolSize(), o.keepAlive().toMillis(), o.connectTimeout().toMillis())
        val sent = ArrayList<Pair<String, String>>()
        requestHeaders.forEach { (k, v) ->
            if (!k.equals("Content-Length", true) && !k.equals("Host", true) &&
                !(data != null && type != null && k.equals("Content-Type", true))) {
                sent += k to v
            }
        }
        if (sent.none { it.first.equals("User-Agent", true) }) sent += "User-Agent" to "corun"
        if (data != null && sent.none { it.first.equals("Content-Type", true) }) {
            sent += "Content-Type" to (type ?: ContentType.Text.Plain.withParameter("charset", "utf-8")).toString()
        }
        val timeoutMillis = o.timeout().toMillis()
        return try {
            val response = withTimeout(timeoutMillis) {
                // The blocking transport cannot be interrupted by withTimeout while it reads: it
                // stops at the same deadline by itself.
                val deadline = if (blockingIo) System.nanoTime() + timeoutMillis * 1_000_000 else null
                pool.execute(method.uppercase(), path, sent, data, deadline)
            }
            headers = response.headers
            body = String(response.body, Charsets.UTF_8)
            statusCode = response.status
            errMsg = ""
            true
        } catch (e: TimeoutCancellationException) {
            fail(STATUS_TIMEOUT, "no complete response within $timeoutMillis ms")
        } catch (e: BlockingConnection.RequestTimedOut) {
            fail(STATUS_TIMEOUT, "no complete response within $timeoutMillis ms")
        } catch (e: KeepAlivePool.ConnectFailed) {
            // an interrupted virtual thread's socket is closed by the JDK: that is a cancellation
            if (blockingIo && Thread.currentThread().isInterrupted) cancelled() else fail(STATUS_CONNECT_FAILED, e.message ?: e.toString())
        } catch (e: IOException) {
            if (blockingIo && Thread.currentThread().isInterrupted) cancelled()
            else fail(STATUS_SERVER_RESET, "the server closed or reset the connection: $e")
        } catch (e: kotlinx.io.IOException) {
            fail(STATUS_SERVER_RESET, "the server closed or reset the connection: $e")
        }
    }

    private fun fail(code: Int, message: String): Boolean {
        statusCode = code
        body = ""
        headers = emptyMap()
        errMsg = message
        return false
    }

    override fun toString(): String = "HttpClient(${if (ssl) "https" else "http"}://$host:$port, last status $statusCode)"

    public companion object {
        /** No connection: refused, host unknown, or connect timeout. */
        public const val STATUS_CONNECT_FAILED: Int = -1
        /** The request did not complete within the timeout. */
        public const val STATUS_TIMEOUT: Int = -2
        /** The server closed or reset the connection before answering. */
        public const val STATUS_SERVER_RESET: Int = -3
        /**
         * The largest request body the blocking forms send on a blocking connection (it fits the
         * socket buffers, so the write cannot stall past the timeout); larger ones go through
         * Ktor's non-blocking sockets, bounded by the timeout.
         */
        public const val MAX_BLOCKING_BODY: Int = 64 * 1024
    }
}
