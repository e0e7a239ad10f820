package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.Semaphore
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class SampleServerSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds, blockingTest = true)

    val delay = 400.milliseconds
    val aWaiting = Semaphore(0)
    val upstream = KotlinSampleServer.startUpstream("127.0.0.1", 0, delay)
    val server = KotlinSampleServer(
        URI.create("http://127.0.0.1:${upstream.port()}/qq"),
        URI.create("http://127.0.0.1:${upstream.port()}/163"),
        slowIo = 2.seconds,
        aIsWaiting = { aWaiting.release() },
    ).start("127.0.0.1", 0)
    afterSpec { server.shutdown(); upstream.shutdown() }

    val jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    fun request(path: String) = HttpRequest.newBuilder(URI.create("http://127.0.0.1:${server.port()}$path")).build()
    fun get(path: String): HttpResponse<String> = jdk.send(request(path), HttpResponse.BodyHandlers.ofString())

    for (path in listOf("/channel", "/waitgroup")) {
        test("seed 001 $path answers both upstream bodies in about one upstream delay") {
            get(path) // warm-up
            val start = System.nanoTime()
            val r = get(path)
            val ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
            r.statusCode() shouldBe 200
            r.body() shouldContain "/qq\":\"<html>qq after 400 ms</html>\""
            r.body() shouldContain "/163\":\"<html>163 after 400 ms</html>\""
            ms shouldBeLessThan delay.inWholeMilliseconds * 18 / 10
        }
    }

    test("seed 002: the global races, the Context does not") {
        val a = jdk.sendAsync(request("/a"), HttpResponse.BodyHandlers.ofString())
        aWaiting.tryAcquire(20, TimeUnit.SECONDS) shouldBe true
        get("/b").body() shouldBe "b\n"
        a.get(20, TimeUnit.SECONDS).body() shouldBe "b\n"

        val ctxA = jdk.sendAsync(request("/ctx/a"), HttpResponse.BodyHandlers.ofString())
        aWaiting.tryAcquire(20, TimeUnit.SECONDS) shouldBe true
        get("/ctx/b").body() shouldBe "b\n"
        ctxA.get(20, TimeUnit.SECONDS).body() shouldBe "a\n"
    }
})
