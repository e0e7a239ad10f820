package dev.corun.server.internal

import dev.corun.Co
import dev.corun.CoRunnable
import dev.corun.ExitException
import dev.corun.internal.Blocking
import dev.corun.server.HttpHandler
import dev.corun.server.HttpRequest
import dev.corun.server.HttpResponse
import dev.corun.server.HttpServerOptions
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.http.defaultForFilePath
import io.ktor.http.parseQueryString
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.ApplicationCallPipeline
import io.ktor.server.application.install
import io.ktor.server.http.HttpRequestLifecycle
import io.ktor.server.http.content.LocalPathContent
import io.ktor.server.request.httpMethod
import io.ktor.server.request.path
import io.ktor.server.request.queryString
import io.ktor.server.request.receiveChannel
import io.ktor.server.response.respond
import io.ktor.server.response.respondBytes
import io.ktor.server.response.respondBytesWriter
import io.ktor.utils.io.readAvailable
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.CancellationException
import org.slf4j.LoggerFactory
import java.io.ByteArrayOutputStream
import java.net.InetSocketAddress
import java.util.Locale
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicInteger

/** A route's handler: Java (runs as a Java coroutine) or Kotlin (runs as a Kotlin coroutine on corun). */
internal sealed interface Route {
    class Java(val handler: HttpHandler) : Route
    class Kotlin(val handler: suspend (HttpRequest, HttpResponse) -> Unit) : Route
}

/**
 * The Ktor side of [dev.corun.server.HttpServer]: one interceptor on the call pipeline reads
 * the request (within the body limit), picks the route, starts the handler as a corun
 * coroutine of its own and answers the call from the handler's [ResponseExchange].
 *
 * The Ktor call coroutine (on Ktor's call event loop) only ever suspends: it awaits the exchange's
 * head and drains its chunk channel, so no Netty thread is blocked while a handler parks. It
 * does not wait for the handler to end. A handler starts on the event loop by default and runs
 * there until it first waits ([HttpServerOptions.startHandlersOnReactor]), so one that answers
 * before it waits costs no hop: the call coroutine finds the head already published. Started on
 * the carriers, a handler costs one hop onto a carrier and one back. When Ktor cancels the call (the client went away; `HttpRequestLifecycle` with
 * `cancelCallOnClose`) before the response is written, the exchange is aborted and the
 * handler's coroutine cancelled (`Co.cancel`). A request counts as in flight (for graceful
 * shutdown) until both the call and the handler are done with it.
 */
internal class KtorHttpApp(
    private val options: HttpServerOptions,
    private val routes: Map<String, Route>,
    private val fallback: Route?,
) {
    private val log = LoggerFactory.getLogger("dev.corun.server.HttpServer")
    private val inFlight = AtomicInteger()

    @Volatile
    private var draining = false
    private val drained = CompletableFuture<Unit>()

    fun install(app: Application) {
        app.install(HttpRequestLifecycle) { cancelCallOnClose = true }
        app.intercept(ApplicationCallPipeline.Call) {
            serve(context)
            finish()
        }
    }

    /** Stops taking new requests (they get 503) and completes the result when none is in flight. */
    fun drain(): CompletableFuture<Unit> {
        draining = true
        if (inFlight.get() == 0) drained.complete(Unit)
        return drained
    }

    fun inFlight(): Int = inFlight.get()

    private suspend fun serve(call: ApplicationCall) {
        inFlight.incrementAndGet()
        var exchange: ResponseExchange? = null
        try {
            if (draining) {
                call.response.headers.append(HttpHeaders.Connection, "close", safeOnly = false)
                call.respondBytes("server is shutting down\n".toByteArray(), ContentType.Text.Plain, HttpStatusCode.ServiceUnavailable)
                return
            }
            val body = readBody(call) ?: return
            val request = toRequest(call, body)
            val route = routes[request.path()] ?: fallback
            if (route == null) {
                call.respondBytes("no handler for ${request.path()}\n".toByteArray(), ContentType.Text.Plain, HttpStatusCode.NotFound)
                return
            }
            exchange = ResponseExchange()
            val cid = try {
                startHandler(request, route, exchange)
            } catch (e: IllegalStateException) { // past CoOptions.maxCoroutines
                exchange = null
                log.warn("refusing {}: {}", request, e.message)
                call.respondBytes("server busy\n".toByteArray(), ContentType.Text.Plain, HttpStatusCode.ServiceUnavailable)
                return
            }
            try {
                respondFrom(call, exchange)
            } catch (e: Throwable) { // the client went away (CancellationException) or the write failed
                exchange.abort()
                Co.cancel(cid)
                throw e
            }
        } finally {
            if (exchange == null || exchange.release()) requestDone()
        }
    }

    /**
     * Starts the route's handler as a corun coroutine of its own and returns its id. The call
     * coroutine does not wait for it to end: the response is answered as soon as the handler
     * publishes it, and the handler's own [ResponseExchange.release] ends the request's in-flight
     * count when it finishes last.
     */
    private fun startHandler(request: HttpRequest, route: Route, exchange: ResponseExchange): Long {
        val response = HttpResponse(exchange)
        val name = "http " + request.method() + " " + request.path()
        return when (route) {
            is Route.Java -> HandlerCoroutines.goJava(name, onReactor(), CoRunnable {
                try {
                    route.handler.handle(request, response)
                    exchange.finishFromHandler()
                } finally {
                    if (exchange.release()) requestDone()
                }
            }) { failure -> handlerFailed(request, exchange, failure) }

            is Route.Kotlin -> HandlerCoroutines.goKotlin(null, name, undispatched = onReactor()) {
                try {
                    route.handler(request, response)
                    exchange.finishFromHandler()
                } catch (c: CancellationException) {
                    throw c
                } catch (t: Throwable) {
                    handlerFailed(request, exchange, t) // still on the handler's coroutine: the log line has its cid
                } finally {
                    if (exchange.release()) requestDone()
                }
            }
        }
    }

    /**
     * Whether the handler starts here, on the reactor thread, until it first waits
     * ([HttpServerOptions.startHandlersOnReactor]); if so the thread refuses corun's blocking
     * forms from Kotlin code from now on, as a carrier does (a Java handler is a virtual thread:
     * its blocking calls park it and move it to the carriers).
     */
    private fun onReactor(): Boolean {
        if (!options.startHandlersOnReactor()) return false
        Blocking.forbidOnThisThread(REACTOR_NO_BLOCKING)
        return true
    }

    private fun requestDone() {
        if (inFlight.decrementAndGet() == 0 && draining) drained.complete(Unit)
    }

    private fun handlerFailed(request: HttpRequest, exchange: ResponseExchange, failure: Throwable) {
        val cid = Co.getCid()
        if (failure is ExitException) {
            log.info("handler coroutine {} for {} called exit({}) (flags {}); answering 500 if nothing was sent",
                cid, request, failure.status, failure.flags)
        } else {
            log.error("handler coroutine {} for {} failed; answering 500 if nothing was sent", cid, request, failure)
        }
        exchange.fail(failure)
    }

    private suspend fun respondFrom(call: ApplicationCall, exchange: ResponseExchange) {
        val head = exchange.head.await()
        if (exchange.aborted) return
        val status = HttpStatusCode.fromValue(head.status)
        var contentType: ContentType? = null
        for ((name, value) in head.headers) {
            when {
                name.equals(HttpHeaders.ContentType, ignoreCase = true) -> contentType = contentTypeOf(value)
                name.equals(HttpHeaders.ContentLength, ignoreCase = true) -> Unit // Ktor sets it from the body
                name.equals(HttpHeaders.TransferEncoding, ignoreCase = true) -> Unit
                else -> call.response.headers.append(name, value, safeOnly = false)
            }
        }
        when (head) {
            is ResponseExchange.Full ->
                call.respondBytes(head.body, contentType ?: DEFAULT_TYPE, status)
            is ResponseExchange.Streamed ->
                call.respondBytesWriter(contentType ?: DEFAULT_TYPE, status) {
                    for (chunk in head.chunks) {
                        writeFully(chunk)
                        flush()
                    }
                }
            is ResponseExchange.File -> {
                call.response.status(status)
                call.respond(LocalPathContent(head.path, contentType ?: ContentType.defaultForFilePath(head.path.toString())))
            }
        }
    }

    /** The last `Content-Type` value parsed and its parse: handlers mostly send the same one. */
    @Volatile
    private var lastContentType: Pair<String, ContentType>? = null

    private fun contentTypeOf(value: String): ContentType {
        val last = lastContentType
        if (last != null && last.first == value) return last.second
        return ContentType.parse(value).also { lastContentType = value to it }
    }

    /** The whole body within maxBodySize, or null after answering 413 (the connection then closes). */
    private suspend fun readBody(call: ApplicationCall): ByteArray? {
        val limit = options.maxBodySize()
        val declared = call.request.headers[HttpHeaders.ContentLength]?.toLongOrNull()
        if (declared != null && declared > limit) {
            tooLarge(call, "declared Content-Length $declared is over the limit of $limit bytes")
            return null
        }
        if (declared == 0L || (declared == null && call.request.headers[HttpHeaders.TransferEncoding] == null)) {
            return ResponseExchange.EMPTY
        }
        val channel = call.receiveChannel()
        val out = ByteArrayOutputStream(minOf(declared ?: 8192L, 64 * 1024L).toInt())
        val buffer = ByteArray(8192)
        while (true) {
            val n = channel.readAvailable(buffer, 0, buffer.size)
            if (n < 0) break
            if (out.size().toLong() + n > limit) {
                tooLarge(call, "body is over the limit of $limit bytes")
                return null
            }
            out.write(buffer, 0, n)
        }
        return out.toByteArray()
    }

    private suspend fun tooLarge(call: ApplicationCall, reason: String) {
        call.response.headers.append(HttpHeaders.Connection, "close", safeOnly = false)
        call.respondBytes("413 Payload Too Large: $reason\n".toByteArray(), ContentType.Text.Plain, HttpStatusCode.PayloadTooLarge)
    }

    private fun toRequest(call: ApplicationCall, body: ByteArray): HttpRequest {
        val r = call.request
        val query = if (r.queryString().isEmpty()) emptyMap() else r.queryParameters.names().associateWith { r.queryParameters[it]!! }
        val type = r.headers[HttpHeaders.ContentType]
        val form = if (type != null && ContentType.parse(type).match(ContentType.Application.FormUrlEncoded)) {
            val p = parseQueryString(String(body, Charsets.UTF_8))
            p.names().associateWith { p[it]!! }
        } else {
            emptyMap()
        }
        val cookies = r.cookies.rawCookies.mapValues { runCatching { java.net.URLDecoder.decode(it.value, Charsets.UTF_8) }.getOrDefault(it.value) }
        val remote = InetSocketAddress.createUnresolved(r.local.remoteAddress, r.local.remotePort)
        return HttpRequest(r.httpMethod.value, r.path(), r.queryString(), query, form, headersOf(call), cookies, body, remote)
    }

    /** Header names in lower case, every value. */
    private fun headersOf(call: ApplicationCall): Map<String, List<String>> {
        val headers = HashMap<String, List<String>>()
        call.request.headers.forEach { name, values -> headers.merge(name.lowercase(Locale.ROOT), values) { a, b -> a + b } }
        return headers
    }

    companion object {
        val DEFAULT_TYPE: ContentType = ContentType.Text.Html.withParameter("charset", "utf-8")

        const val REACTOR_NO_BLOCKING = "runs Kotlin HTTP handlers up to their first suspension and serves many " +
            "connections (HttpServerOptions.startHandlersOnReactor; set it false to start handlers on the carriers)"
    }
}
