package dev.corun.server

import dev.corun.internal.Blocking
import dev.corun.server.internal.ResponseExchange
import kotlinx.coroutines.runBlocking
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

/**
 * The response of one request: Swoole's `$resp`.
 *
 * Set [status], [header] and [cookie] first; then either [end] with the whole body, or [write]
 * chunks (the response goes out with `Transfer-Encoding: chunked`, each chunk flushed as it is
 * written) and [end]; or [redirect]; or [sendfile]. Once any of those has started the response,
 * status and headers are frozen (changing them throws [IllegalStateException]). A handler that
 * returns without ending gets its response ended for it.
 *
 * Java handlers call the blocking forms ([write], [end], ...): they park the handler's virtual
 * thread while the client is slow, never a carrier. Kotlin handlers call the suspend forms
 * ([coWrite], [coEnd], ...); the blocking forms fail there with an [IllegalStateException] naming
 * the suspend form.
 *
 * Writes return `false` instead of throwing when the response has already ended or the client
 * went away, so a streaming loop can be `while (resp.write(chunk)) ...`. Once the client is gone,
 * [status], [header] and [cookie] are silently ignored too (a handler racing a disconnect must
 * not fail for it).
 *
 * Threading: one response belongs to its handler's coroutine. Hand it to a sub-coroutine only if
 * your code orders their calls (for instance the handler joins the sub-coroutine before writing
 * again); concurrent writes from two coroutines interleave chunks.
 *
 * ```java
 * server.on("/stream", (req, resp) -> {
 *     resp.header("Content-Type", "text/plain");
 *     for (int i = 0; i < 3; i++) {
 *         if (!resp.write("part " + i + "\n")) return; // client gone
 *         Co.sleep(Duration.ofMillis(100));
 *     }
 *     resp.end();
 * });
 * ```
 */
public class HttpResponse internal constructor(private val exchange: ResponseExchange) {

    /** Sets the status code (default 200). */
    public fun status(code: Int): HttpResponse {
        require(code in 100..999) { "status code must be a 3-digit HTTP status, got $code" }
        if (exchange.aborted) return this // the client is gone: nothing will be sent
        exchange.checkNotCommitted("status($code)")
        exchange.status = code
        return this
    }

    /** Adds a response header (a repeated name adds another line). `Content-Type` sets the body's type. */
    public fun header(name: String, value: String): HttpResponse {
        require(name.isNotBlank() && name.none { it == '\r' || it == '\n' || it == ':' }) { "invalid header name '$name'" }
        require(value.none { it == '\r' || it == '\n' }) { "header $name: value must not contain CR or LF" }
        if (exchange.aborted) return this // the client is gone: nothing will be sent
        exchange.checkNotCommitted("header($name)")
        exchange.headers += name to value
        return this
    }

    /** Sets a cookie with just a value (path `/`). */
    public fun cookie(name: String, value: String): HttpResponse = cookie(name, value, -1, "/", false)

    /**
     * Sets a cookie: Swoole's `$resp->cookie($name, $value, $expire, $path, ..., $httponly)`.
     * @param maxAgeSeconds negative for a session cookie
     */
    public fun cookie(name: String, value: String, maxAgeSeconds: Long, path: String?, httpOnly: Boolean): HttpResponse {
        require(name.isNotBlank() && name.none { it in "=;, \t\r\n" }) { "invalid cookie name '$name'" }
        val encoded = java.net.URLEncoder.encode(value, Charsets.UTF_8)
        val line = buildString {
            append(name).append('=').append(encoded)
            if (maxAgeSeconds >= 0) append("; Max-Age=").append(maxAgeSeconds)
            if (path != null) append("; Path=").append(path)
            if (httpOnly) append("; HttpOnly")
        }
        return header("Set-Cookie", line)
    }

    /** True once the response has ended (by [end], [redirect], [sendfile], or the handler returning). */
    public fun isEnded(): Boolean = exchange.isEnded

    /** True once the client is known to have gone away: writes return false, and the handler was cancelled. */
    public fun isAborted(): Boolean = exchange.aborted

    // ---- blocking forms, for Java handlers -------------------------------------------------

    /** Streams one chunk (UTF-8). Parks while the client is slow. False if ended or the client is gone. */
    public fun write(data: String): Boolean = write(data.toByteArray())

    /** Streams one chunk. Parks while the client is slow. False if ended or the client is gone. */
    public fun write(data: ByteArray): Boolean {
        Blocking.check("HttpResponse.write()", "coWrite()")
        return runBlocking { exchange.write(data) }
    }

    /** Ends the response with no (more) body. */
    public fun end(): Boolean = end(ResponseExchange.EMPTY)

    /** Ends the response with [data] (UTF-8) as the body, or as the last chunk after [write]. */
    public fun end(data: String): Boolean = end(data.toByteArray())

    /** Ends the response with [data] as the body, or as the last chunk after [write]. */
    public fun end(data: ByteArray): Boolean {
        exchange.endWhole(data)?.let { return it }
        Blocking.check("HttpResponse.end()", "coEnd()")
        return runBlocking { exchange.end(data) } // the last chunk of a streamed response may wait for the client
    }

    /** Redirects: sets `Location` and the status (302 unless given) and ends. */
    @JvmOverloads
    public fun redirect(location: String, code: Int = 302): Boolean {
        require(code in 300..399) { "a redirect needs a 3xx status, got $code" }
        status(code)
        header("Location", location)
        return endNow(ResponseExchange.EMPTY)
    }

    /** Sends a file as the body (type from its extension unless `Content-Type` was set) and ends. */
    public fun sendfile(path: String): Boolean = sendfile(Paths.get(path))

    /** Sends a file as the body (type from its extension unless `Content-Type` was set) and ends. */
    public fun sendfile(path: Path): Boolean {
        require(Files.isRegularFile(path) && Files.isReadable(path)) { "sendfile: $path is not a readable regular file" }
        return exchange.sendFile(path)
    }

    private fun endNow(data: ByteArray): Boolean = exchange.endWhole(data) ?: false

    // ---- suspend forms, for Kotlin handlers ------------------------------------------------

    /** Suspend form of [write]. */
    @JvmSynthetic
    public suspend fun coWrite(data: String): Boolean = exchange.write(data.toByteArray())

    /** Suspend form of [write]. */
    @JvmSynthetic
    public suspend fun coWrite(data: ByteArray): Boolean = exchange.write(data)

    /** Suspend form of [end]. */
    @JvmSynthetic
    public suspend fun coEnd(data: String = ""): Boolean = exchange.end(data.toByteArray())

    /** Suspend form of [end]. */
    @JvmSynthetic
    public suspend fun coEnd(data: ByteArray): Boolean = exchange.end(data)

    /** Suspend form of [redirect]. */
    @JvmSynthetic
    public suspend fun coRedirect(location: String, code: Int = 302): Boolean {
        require(code in 300..399) { "a redirect needs a 3xx status, got $code" }
        status(code)
        header("Location", location)
        return exchange.end(ResponseExchange.EMPTY)
    }

    /** Suspend form of [sendfile] (it never suspends; named for symmetry). */
    @JvmSynthetic
    public suspend fun coSendfile(path: Path): Boolean = sendfile(path)
}
