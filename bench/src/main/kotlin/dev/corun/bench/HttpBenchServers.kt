/*
 * The servers bench/http-load.sh drives with wrk, one per process:
 *   java     corun HttpServer, hello world from a Java handler (a Java coroutine per request)
 *   kotlin   corun HttpServer, hello world from a Kotlin suspend handler
 *   ktor     raw Ktor on Netty, written as Ktor's docs show (the baseline)
 *   upstream corun HttpServer answering after DELAY ms (for seed001)
 *   seed001  corun HttpServer, the seed 001 handler (two concurrent HttpClient GETs, Channel(2))
 * Usage: HttpBenchServers MODE PORT [DELAY_MS | UPSTREAM_PORT]
 * -Dbench.reactorThreads=N sets HttpServerOptions.reactorThreads of the corun servers (default 0: reactorThreadsToStart()).
 */
@file:JvmName("HttpBenchServers")

package dev.corun.bench

import dev.corun.Co
import dev.corun.channels.Channel
import dev.corun.server.HttpClient
import dev.corun.server.HttpClientOptions
import dev.corun.server.HttpHandler
import dev.corun.server.HttpServer
import dev.corun.server.HttpServerOptions
import io.ktor.server.engine.embeddedServer
import io.ktor.server.netty.Netty
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import java.time.Duration

private val reactorThreads = Integer.getInteger("bench.reactorThreads", 0)

/** A corun server with the bench's options. */
private fun corunServer(port: Int, options: HttpServerOptions = HttpServerOptions()) =
    HttpServer("127.0.0.1", port).set(options.reactorThreads(reactorThreads))

public fun main(args: Array<String>) {
    val mode = args[0]
    val port = args[1].toInt()
    when (mode) {
        "java" -> corunServer(port)
            .on("/", HttpHandler { _, resp -> resp.header("Content-Type", "text/plain").end("Hello, world!") })
            .start().also { println("ready $mode ${it.port()}") }.await()

        "kotlin" -> corunServer(port)
            .on("/") { _, resp -> resp.header("Content-Type", "text/plain").coEnd("Hello, world!") }
            .start().also { println("ready $mode ${it.port()}") }.await()

        "ktor" -> {
            val server = embeddedServer(Netty, port = port, host = "127.0.0.1") {
                routing { get("/") { call.respondText("Hello, world!") } }
            }
            server.start(wait = false)
            println("ready $mode $port")
            Thread.sleep(Long.MAX_VALUE)
        }

        "upstream" -> {
            val delay = Duration.ofMillis(args[2].toLong())
            corunServer(port, HttpServerOptions().headerTimeout(Duration.ofSeconds(60)))
                .on("request", HttpHandler { req, resp -> Co.sleep(delay); resp.end("<html>${req.path()}</html>") })
                .start().also { println("ready $mode ${it.port()}") }.await()
        }

        "seed001" -> {
            val upstreamPort = args[2].toInt()
            corunServer(port)
                .on("/", HttpHandler { _, resp ->
                    val chan = Channel<Pair<String, String>>(2)
                    for (path in listOf("/qq", "/163")) {
                        Co.go {
                            val cli = HttpClient("127.0.0.1", upstreamPort)
                                .set(HttpClientOptions().timeout(Duration.ofSeconds(10)).poolSize(256))
                            chan.push(path to if (cli.get(path)) cli.body else "error ${cli.statusCode}")
                        }
                    }
                    // null: the client left (wrk closing its connections), and pop() was cancelled
                    val a = chan.pop() ?: return@HttpHandler
                    val b = chan.pop() ?: return@HttpHandler
                    resp.header("Content-Type", "application/json")
                        .end("{\"${a.first}\":\"${a.second}\",\"${b.first}\":\"${b.second}\"}")
                })
                .start().also { println("ready $mode ${it.port()}") }.await()
        }

        else -> error("unknown mode $mode: java | kotlin | ktor | upstream | seed001")
    }
}
