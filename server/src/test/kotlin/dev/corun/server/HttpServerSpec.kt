package dev.corun.server

import dev.corun.Co
import dev.corun.Status
import dev.corun.ExitException
import dev.corun.coSleep
import dev.corun.coYield
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.net.URI
import java.net.http.HttpClient as JdkClient
import java.net.http.HttpRequest as JdkRequest
import java.net.http.HttpResponse.BodyHandlers
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class HttpServerSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds, blockingTest = true)

    val jdk = JdkClient.newBuilder().version(JdkClient.Version.HTTP_1_1).build()
    fun get(port: Int, path: String) =
        jdk.send(JdkRequest.newBuilder(URI.create("http://127.0.0.1:$port$path")).build(), BodyHandlers.ofString())

    test("Java and Kotlin handlers on one server, each on its own corun coroutine") {
        val kotlinCid = CompletableFuture<Long>()
        val server = HttpServer("127.0.0.1", 0)
            .on("/java", HttpHandler { _, resp -> resp.end("java ${Co.getCid() > 0} ${Thread.currentThread().isVirtual}") })
            .on("/kotlin") { req, resp ->
                kotlinCid.complete(Co.getCid())
                coSleep(10.milliseconds)
                resp.coEnd("kotlin ${req.get("x")} ${Co.getCid() == kotlinCid.get()}")
            }
            .start()
        try {
            get(server.port(), "/java").body() shouldBe "java true true"
            get(server.port(), "/kotlin?x=1").body() shouldBe "kotlin 1 true"
            // The response may reach the client before the handler's coroutine has ended.
            val cid = kotlinCid.get(10, TimeUnit.SECONDS)
            Co.join(longArrayOf(cid), java.time.Duration.ofSeconds(10)) shouldBe Status.OK
            Co.exists(cid) shouldBe false
        } finally {
            server.shutdown()
        }
    }

    test("a Kotlin handler streams with coWrite, and a throwing one gets 500 while the server keeps serving") {
        val server = HttpServer("127.0.0.1", 0)
            .on("/stream") { _, resp ->
                resp.header("Content-Type", "text/plain")
                repeat(3) { resp.coWrite("$it;") }
                resp.coEnd("end")
            }
            .on("/boom") { _, _ -> error("boom") }
            .on("/exit") { _, resp ->
                val e = shouldThrow<ExitException> { Co.exit(2) }
                resp.coEnd("${e.flags}")
            }
            .start()
        try {
            val r = get(server.port(), "/stream")
            r.body() shouldBe "0;1;2;end"
            r.headers().firstValue("transfer-encoding").orElse("") shouldBe "chunked"
            get(server.port(), "/boom").statusCode() shouldBe 500
            get(server.port(), "/exit").body() shouldBe "${ExitException.EXIT_IN_SERVER or ExitException.EXIT_IN_COROUTINE}"
            get(server.port(), "/stream").statusCode() shouldBe 200
        } finally {
            server.shutdown()
        }
    }

    test("the blocking response forms refuse a Kotlin handler, on the reactor or on a carrier, and name the suspend form") {
        for (onReactor in listOf(true, false)) {
            val seen = CompletableFuture<String>()
            val server = HttpServer("127.0.0.1", 0)
                .set(HttpServerOptions().startHandlersOnReactor(onReactor))
                .onRequest { _, resp ->
                    resp.coWrite("a")
                    seen.complete(runCatching { resp.write("b") }.exceptionOrNull()?.message ?: "no error")
                    resp.coEnd()
                }
                .start()
            try {
                get(server.port(), "/").body() shouldBe "a"
                val message = seen.get(10, TimeUnit.SECONDS)
                if (onReactor) {
                    message shouldStartWith "HttpResponse.write() would block thread"
                    message shouldContain "startHandlersOnReactor"
                } else {
                    message shouldStartWith "HttpResponse.write() would block carrier thread"
                }
                message shouldContain "call the suspend form coWrite() instead"
            } finally {
                server.shutdown()
            }
        }
    }

    test("a Kotlin handler runs on the reactor up to its first suspension, then on the carriers; with the option off it starts on them") {
        for (onReactor in listOf(true, false)) {
            val threads = CompletableFuture<List<String>>()
            val server = HttpServer("127.0.0.1", 0)
                .set(HttpServerOptions().startHandlersOnReactor(onReactor))
                .onRequest { _, resp ->
                    val before = Thread.currentThread().name
                    val cid = Co.getCid()
                    Co.getContext().put("who", "handler $cid")
                    coYield()
                    threads.complete(listOf(before, Thread.currentThread().name))
                    resp.coEnd("${Co.getCid() == cid} ${Co.getContext().get("who") == "handler $cid"}")
                }
                .start()
            try {
                get(server.port(), "/").body() shouldBe "true true"
                val (before, after) = threads.get(10, TimeUnit.SECONDS)
                withClue("onReactor=$onReactor, before the first suspension: $before") {
                    before.contains("-carrier-") shouldBe !onReactor
                }
                withClue("onReactor=$onReactor, after it: $after") {
                    after shouldContain "-carrier-"
                }
            } finally {
                server.shutdown()
            }
        }
    }

    test("a client leaving mid-response cancels a suspended Kotlin handler and ends its coroutine") {
        val handlerCid = CompletableFuture<Long>()
        val cleanedUp = CompletableFuture<Throwable?>()
        val server = HttpServer("127.0.0.1", 0)
            .on("/wait") { _, resp ->
                handlerCid.complete(Co.getCid())
                resp.coWrite("started\n")
                try {
                    coSleep(60.seconds)
                    cleanedUp.complete(null)
                } catch (e: Throwable) {
                    cleanedUp.complete(e)
                    throw e
                }
            }
            .start()
        try {
            val cid = RawHttp(server.port()).use { raw ->
                raw.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
                raw.readUntil("started")
                handlerCid.get(10, TimeUnit.SECONDS)
            }
            (cleanedUp.get(20, TimeUnit.SECONDS) is kotlinx.coroutines.CancellationException) shouldBe true
            Co.join(longArrayOf(cid), java.time.Duration.ofSeconds(20))
            Co.exists(cid) shouldBe false
        } finally {
            server.shutdown()
        }
    }

    test("the default reactor threads follow where handlers start; a set count wins") {
        val processors = Runtime.getRuntime().availableProcessors()
        HttpServerOptions().reactorThreadsToStart() shouldBe processors
        HttpServerOptions().startHandlersOnReactor(false).reactorThreadsToStart() shouldBe maxOf(1, processors / 2)
        HttpServerOptions().reactorThreads(3).reactorThreadsToStart() shouldBe 3
    }

    test("one reactor thread serves many suspended Kotlin handlers at once") {
        val server = HttpServer("127.0.0.1", 0)
            .set(HttpServerOptions().reactorThreads(1))
            .onRequest { _, resp ->
                coSleep(100.milliseconds)
                resp.coEnd("slept")
            }
            .start()
        try {
            val started = System.nanoTime()
            val all = (1..100).map {
                jdk.sendAsync(JdkRequest.newBuilder(URI.create("http://127.0.0.1:${server.port()}/k$it")).build(), BodyHandlers.ofString())
            }
            all.forEach { it.get(40, TimeUnit.SECONDS).body() shouldBe "slept" }
            val ms = (System.nanoTime() - started) / 1_000_000
            (ms < 15_000) shouldBe true
        } finally {
            server.shutdown()
        }
    }

    test("configuration errors say what to do") {
        shouldThrow<IllegalArgumentException> { HttpServer("127.0.0.1", 0).on("recv", HttpHandler { _, _ -> }) }
            .message shouldStartWith "unknown event 'recv'"
        shouldThrow<IllegalStateException> { HttpServer("127.0.0.1", 0).start() }
            .message shouldStartWith "no handler"
    }
})
