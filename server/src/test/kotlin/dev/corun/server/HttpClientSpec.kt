package dev.corun.server

import dev.corun.Co
import dev.corun.corun
import dev.corun.go
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.engine.cio.CIO
import io.ktor.client.engine.cio.endpoint
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration.Companion.seconds

class HttpClientSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds, blockingTest = true)

    val ports = ConcurrentHashMap.newKeySet<Int>()
    val server = HttpServer("127.0.0.1", 0)
        .on("/count") { req, resp ->
            ports += req.remoteAddress().port
            resp.coEnd("n")
        }
        .on("/echo") { req, resp -> resp.coEnd(req.body()) }
        .start()
    afterSpec { server.shutdown() }

    test("coGet and coPost from Kotlin coroutines; many coroutines share the pool") {
        ports.clear()
        val bodies = ConcurrentHashMap.newKeySet<String>()
        corun {
            val jobs = (1..20).map { i ->
                go {
                    val cli = HttpClient("127.0.0.1", server.port()).set(HttpClientOptions().poolSize(4))
                    cli.coGet("/count") shouldBe true
                    cli.coPost("/echo", "hi $i") shouldBe true
                    bodies += cli.body
                }
            }
            jobs.forEach { it.join() }
        }
        bodies shouldHaveSize 20
        ports.size shouldBeLessThanOrEqual 4
    }

    test("the blocking forms refuse a Kotlin coroutine and name the suspend form") {
        val e = corun {
            shouldThrow<IllegalStateException> { HttpClient("127.0.0.1", server.port()).get("/count") }
        }
        e.message shouldStartWith "HttpClient.get() would block carrier thread"
    }

    test("why corun does not use Ktor's CIO engine: with its defaults every request opens a new connection") {
        ports.clear()
        val cio = io.ktor.client.HttpClient(CIO)
        try {
            runBlocking { repeat(20) { cio.get("http://127.0.0.1:${server.port()}/count").bodyAsText() shouldBe "n" } }
        } finally {
            cio.close()
        }
        ports.size shouldBe 20
    }

    test("why corun does not use Ktor's CIO engine: its pipelined mode half-closes after the request and Netty drops it") {
        val cio = io.ktor.client.HttpClient(CIO) { engine { pipelining = true; endpoint { pipelineMaxSize = 1 } } }
        var failures = 0
        try {
            runBlocking {
                repeat(3) {
                    // Fails fast ("unexpected EOF") or hangs, depending on whether Netty saw the FIN
                    // before the request: both count as "not a reusable connection".
                    val ok = withTimeoutOrNull(3.seconds) {
                        runCatching { cio.get("http://127.0.0.1:${server.port()}/count").bodyAsText() }.isSuccess
                    }
                    if (ok != true) failures++
                }
            }
        } finally {
            cio.close()
        }
        failures shouldBeGreaterThan 0 // Ktor 3.5.2 (KTOR-7009); when this fails, CIO's pipelined mode may be usable again
    }

    test("a client object keeps the status of its last call (0 before any), also from a plain thread") {
        val cli = HttpClient("127.0.0.1", server.port())
        cli.statusCode shouldBe 0
        runBlocking { cli.coGet("/count") }
        cli.statusCode shouldBe 200
        Co.getCid() shouldBe -1L
    }
})
