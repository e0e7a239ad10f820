/*
 * The seed programs as a real HTTP server, in Kotlin: suspend handlers on corun's dispatcher.
 * See the Java twin (samples-java, dev.corun.samples.SampleServer) for the routes.
 */
package dev.corun.samples.kotlin

import dev.corun.Co
import dev.corun.Context
import dev.corun.channels.Channel
import dev.corun.channels.WaitGroup
import dev.corun.channels.receive
import dev.corun.channels.send
import dev.corun.channels.wait
import dev.corun.coSleep
import dev.corun.go
import dev.corun.server.HttpClient
import dev.corun.server.HttpClientOptions
import dev.corun.server.HttpResponse
import dev.corun.server.HttpServer
import kotlinx.coroutines.coroutineScope
import java.net.URI
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Routes: `/channel` and `/waitgroup` (seed 001: two upstream GETs at once, answered as JSON),
 * `/a` `/b` (seed 002: the global-variable race), `/ctx/a` `/ctx/b` (the fix with [Context]).
 *
 * @param aIsWaiting called when `/a` or `/ctx/a` has stored its name and starts waiting (tests use it)
 */
public class KotlinSampleServer(
    private val upstreamA: URI,
    private val upstreamB: URI,
    private val slowIo: Duration = 1.seconds,
    private val aIsWaiting: () -> Unit = {},
) {
    @Volatile
    private var globalName: String? = null
    private val name = Context.key<String>("name")

    /** Starts the server on [host]:[port] (0 picks a free port). */
    public fun start(host: String, port: Int): HttpServer = HttpServer(host, port)
        .on("/channel") { _, resp ->
            val start = System.nanoTime()
            val chan = Channel<Pair<String, String>>(2)
            coroutineScope {
                for (url in listOf(upstreamA, upstreamB)) go { chan.send(url.toString() to fetch(url)) }
            }
            val result = LinkedHashMap<String, String>()
            repeat(2) { result += chan.receive() }
            answer(resp, result, start)
        }
        .on("/waitgroup") { _, resp ->
            val start = System.nanoTime()
            val result = ConcurrentHashMap<String, String>()
            val wg = WaitGroup()
            coroutineScope {
                for (url in listOf(upstreamA, upstreamB)) {
                    wg.add()
                    go {
                        try {
                            result[url.toString()] = fetch(url)
                        } finally {
                            wg.done()
                        }
                    }
                }
            }
            wg.wait()
            answer(resp, result, start)
        }
        .on("/a") { _, resp ->
            globalName = "a"
            aIsWaiting()
            coSleep(slowIo)
            resp.coEnd("$globalName\n")
        }
        .on("/b") { _, resp ->
            globalName = "b"
            resp.coEnd("$globalName\n")
        }
        .on("/ctx/a") { _, resp ->
            Co.getContext().put(name, "a")
            aIsWaiting()
            coSleep(slowIo)
            resp.coEnd("${Co.getContext().get(name)}\n")
        }
        .on("/ctx/b") { _, resp ->
            Co.getContext().put(name, "b")
            resp.coEnd("${Co.getContext().get(name)}\n")
        }
        .onRequest { _, resp ->
            resp.status(404).header("Content-Type", "text/plain").coEnd("try /channel, /waitgroup, /a, /b, /ctx/a, /ctx/b\n")
        }
        .start()

    private suspend fun answer(resp: HttpResponse, result: Map<String, String>, startNanos: Long) {
        val json = result.entries.joinToString(",", "{", "}") { (k, v) -> "${quote(k)}:${quote(v)}" }
        resp.header("Content-Type", "application/json")
            .header("X-Elapsed-Ms", ((System.nanoTime() - startNanos) / 1_000_000).toString())
            .coEnd("$json\n")
    }

    public companion object {
        /** One coroutine HTTP GET, as in the seed: timeout, browser-like headers. One client per coroutine. */
        public suspend fun fetch(url: URI): String {
            val cli = HttpClient(url.host, if (url.port < 0) 80 else url.port, url.scheme == "https")
                .set(HttpClientOptions().timeout(java.time.Duration.ofSeconds(10)))
                .setHeaders(mapOf("User-Agent" to "Chrome/49.0.2587.3", "Accept" to "text/html,application/xhtml+xml,application/xml"))
            val path = url.rawPath.ifEmpty { "/" } + (url.rawQuery?.let { "?$it" } ?: "")
            return if (cli.coGet(path)) cli.body else "error ${cli.statusCode}: ${cli.errMsg}"
        }

        /** The local stand-in for the seed's two web sites: answers after [delay]. */
        public fun startUpstream(host: String, port: Int, delay: Duration): HttpServer = HttpServer(host, port)
            .onRequest { req, resp ->
                coSleep(delay)
                resp.coEnd("<html>${req.path().substring(1)} after ${delay.inWholeMilliseconds} ms</html>")
            }
            .start()

        internal fun quote(s: String): String = buildString {
            append('"')
            for (c in s) when {
                c == '"' -> append("\\\"")
                c == '\\' -> append("\\\\")
                c == '\n' -> append("\\n")
                c == '\r' -> append("\\r")
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
            append('"')
        }
    }
}

/** Starts the sample server (and a local upstream unless two URLs are given); `-Dsample=seeds` runs the seed programs. */
public object SampleServerMain {
    @JvmStatic
    public fun main(args: Array<String>) {
        if (System.getProperty("sample", "") == "seeds" || args.firstOrNull() == "seeds") {
            dev.corun.samples.kotlin.main(emptyArray<String>())
            return
        }
        val host = "127.0.0.1"
        val port = args.firstOrNull()?.takeIf { it.isNotBlank() }?.toInt() ?: 9502
        var upstream: HttpServer? = null
        val (a, b) = if (args.size >= 3) {
            URI.create(args[1]) to URI.create(args[2])
        } else {
            val delay = (System.getProperty("upstream.delay.ms") ?: "300").toLong().milliseconds
            val up = KotlinSampleServer.startUpstream(host, 0, delay)
            upstream = up
            println("local upstream on $host:${up.port()} answers after ${delay.inWholeMilliseconds} ms")
            URI.create("http://$host:${up.port()}/qq") to URI.create("http://$host:${up.port()}/163")
        }
        val server = KotlinSampleServer(a, b).start(host, port)
        val base = "http://$host:${server.port()}"
        println()
        println("corun sample server (Kotlin handlers) on $base  (Ctrl-C stops it). Try:")
        println("  curl -i $base/channel      # seed 001: two upstream GETs at once through a Channel(2)")
        println("  curl -i $base/waitgroup    # seed 001 with a WaitGroup")
        println("  curl $base/a & sleep 0.2; curl $base/b; wait      # seed 002: /a answers b (global race)")
        println("  curl $base/ctx/a & sleep 0.2; curl $base/ctx/b; wait  # fixed with Context: /ctx/a answers a")
        Runtime.getRuntime().addShutdownHook(Thread {
            server.shutdown()
            upstream?.shutdown()
        })
        server.await()
    }
}
