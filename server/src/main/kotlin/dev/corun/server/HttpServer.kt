package dev.corun.server

import dev.corun.server.internal.BadInputGuard
import dev.corun.server.internal.CallLoopPinning
import dev.corun.server.internal.KtorHttpApp
import dev.corun.server.internal.Route
import io.ktor.server.application.Application
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.applicationEnvironment
import io.ktor.server.engine.connector
import io.ktor.server.engine.embeddedServer
import io.ktor.server.netty.Netty
import io.ktor.server.netty.NettyApplicationEngine
import kotlinx.coroutines.runBlocking
import org.slf4j.LoggerFactory
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/**
 * An HTTP server whose handlers are coroutines: Swoole's `Swoole\Http\Server`, on Ktor with the
 * Netty engine.
 *
 * Each request runs its handler as a corun coroutine of its own: a Java [HttpHandler] as a Java
 * coroutine (a virtual thread on corun's scheduler, so it may block on channels, wait groups and
 * [HttpClient]), a Kotlin handler (`onRequest { req, resp -> }`, `on(path) { req, resp -> }`) as
 * a Kotlin coroutine on the corun dispatcher. Both kinds can share one server. Routing is by
 * exact path; `on("request", ...)` is the handler for every path without its own.
 *
 * ```java
 * HttpServer server = new HttpServer("127.0.0.1", 9501);
 * server.on("/hello", (req, resp) -> resp.end("hello " + req.get("name")));
 * server.on("request", (req, resp) -> resp.status(404).end("nothing at " + req.path()));
 * server.start();                 // returns once listening; server.port() is the bound port
 * ...
 * server.shutdown();              // lets in-flight requests finish
 * ```
 *
 * ```kotlin
 * val server = HttpServer("127.0.0.1", 0)
 * server.on("/hello") { req, resp -> coSleep(10.milliseconds); resp.coEnd("hello") }
 * server.start()
 * ```
 *
 * Design and invariants:
 * - A handler never touches Ktor objects; it fills an [HttpResponse] whose head and chunks the
 *   Ktor call coroutine awaits by suspending (see `ResponseExchange`): no Netty or Ktor thread
 *   waits for a handler. The call coroutine runs on the connection's own event loop
 *   (`CallLoopPinning`), so the cost is one hop Netty → corun carrier → Netty per request.
 * - The request (with its whole body, at most `maxBodySize`) is read before the handler starts.
 * - A throwing handler gives its request a 500 (or an aborted connection if it had started
 *   streaming) and a log line with its coroutine id; `Co.exit()` inside a handler throws an
 *   `ExitException` with flags `EXIT_IN_SERVER | EXIT_IN_COROUTINE` (6).
 * - A client that disconnects cancels its handler's coroutine (`Co.cancel`; blocking calls in it
 *   return CANCELED) and its writes return false.
 * - Bad input gets 400/408/413/414/431 before any handler runs; see [HttpServerOptions].
 */
public class HttpServer(private val host: String, private val port: Int) {
    private val log = LoggerFactory.getLogger(HttpServer::class.java)
    private val routes = LinkedHashMap<String, Route>()
    private var fallback: Route? = null
    private var options = HttpServerOptions()

    @Volatile
    private var engine: EmbeddedServer<NettyApplicationEngine, NettyApplicationEngine.Configuration>? = null
    private var app: KtorHttpApp? = null
    private var boundPort = -1
    private val stopped = java.util.concurrent.CountDownLatch(1)

    init {
        require(port in 0..65535) { "port must be 0..65535 (0 picks a free one), got $port" }
    }

    /** Sets limits and timeouts (Swoole's `$server->set`); before [start]. */
    public fun set(options: HttpServerOptions): HttpServer {
        checkNotStarted("set")
        this.options = options.copy()
        return this
    }

    /**
     * Registers a Java handler: `"request"` for every path without its own route, or a path
     * starting with `/` for exactly that path. Each call runs as a Java coroutine; it starts on
     * the reactor thread and moves to the carriers when it first parks or yields (see
     * [HttpServerOptions.startHandlersOnReactor]).
     */
    public fun on(event: String, handler: HttpHandler): HttpServer = register(event, Route.Java(handler))

    /** Kotlin: the suspend handler for every path without its own route (`on("request")`). */
    @JvmSynthetic
    public fun onRequest(handler: suspend (HttpRequest, HttpResponse) -> Unit): HttpServer =
        register("request", Route.Kotlin(handler))

    /**
     * Kotlin: a suspend handler for [event] (`"request"` or a path), run as a Kotlin coroutine on
     * corun. It starts on the reactor thread that read the request and runs there up to its first
     * suspension, then on the carriers: do not block or compute long before suspending, or set
     * [HttpServerOptions.startHandlersOnReactor] to false (Java handlers likewise run there
     * until they first park).
     *
     * ```
     * server.on("/hello") { req, resp -> resp.coEnd("hello ${req.get("name")}") }
     * ```
     */
    @JvmSynthetic
    public fun on(event: String, handler: suspend (HttpRequest, HttpResponse) -> Unit): HttpServer =
        register(event, Route.Kotlin(handler))

    private fun register(event: String, route: Route): HttpServer {
        checkNotStarted("on")
        when {
            event == "request" -> fallback = route
            event.startsWith("/") -> routes[event] = route
            else -> throw IllegalArgumentException(
                "unknown event '$event': use \"request\" (every path) or a path starting with '/'")
        }
        return this
    }

    /** Starts listening and returns once the port is bound (Swoole's `start()` blocks; call [await] for that). */
    public fun start(): HttpServer {
        checkNotStarted("start")
        check(routes.isNotEmpty() || fallback != null) { "no handler: register one with on(\"request\", ...) before start()" }
        val o = options
        val ktorApp = KtorHttpApp(o, LinkedHashMap(routes), fallback)
        val server = embeddedServer(
            Netty,
            environment = applicationEnvironment { log = LoggerFactory.getLogger("dev.corun.server.ktor") },
            configure = {
                connector {
                    this.host = this@HttpServer.host
                    this.port = this@HttpServer.port
                }
                enableHttp2 = false
                workerGroupSize = o.reactorThreadsToStart()
                enableH2c = false
                maxInitialLineLength = o.maxInitialLineLength()
                maxHeaderSize = o.maxHeaderSize()
                responseWriteTimeoutSeconds = maxOf(1, o.responseWriteTimeout().toSeconds().toInt())
                channelPipelineConfig = {
                    CallLoopPinning.pinToOwnLoop(channel())
                    BadInputGuard.install(this, o.maxHeaderCount(), o.headerTimeout().toNanos())
                }
            },
        ) { ktorApp.install(this as Application) }
        server.start(wait = false)
        engine = server
        app = ktorApp
        boundPort = runBlocking { server.engine.resolvedConnectors().first().port }
        log.info("HTTP server listening on http://{}:{}/", host, boundPort)
        return this
    }

    /** The bound port (useful after `new HttpServer(host, 0)`); -1 before [start]. */
    public fun port(): Int = boundPort

    /** Requests being handled right now. */
    public fun inFlight(): Int = app?.inFlight() ?: 0

    /** Blocks the calling thread until the server has been shut down. */
    public fun await() {
        check(boundPort >= 0) { "await() before start()" }
        stopped.await()
    }

    /**
     * Graceful shutdown: new requests get 503 (`Connection: close`), requests in flight finish
     * (up to [HttpServerOptions.shutdownTimeout]), then the listener and connections close.
     * Returns true if every in-flight request finished in time. Safe to call twice.
     */
    public fun shutdown(): Boolean {
        val s = engine ?: return true
        val a = app!!
        var clean = true
        try {
            a.drain().get(options.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)
        } catch (_: TimeoutException) {
            clean = false
            log.warn("shutdown: {} request(s) still in flight after {}; closing anyway", a.inFlight(), options.shutdownTimeout())
        }
        s.stop(0, 2_000)
        engine = null
        stopped.countDown()
        return clean
    }

    private fun checkNotStarted(what: String) {
        check(engine == null) { "$what(): the server is already running; configure it before start()" }
    }
}
