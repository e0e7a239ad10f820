package dev.corun.server

import dev.corun.Co
import dev.corun.coSleep
import dev.corun.corun
import dev.corun.go
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.net.ServerSocket
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class TcpKotlinSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds, blockingTest = true)

    test("suspend handlers: receive -> coTask -> finish callback (child of the receive coroutine) -> coSend") {
        val childOfDispatcher = AtomicInteger()
        val server = TcpServer("127.0.0.1", 0)
            .set(TcpServerOptions().taskWorkerNum(2).framing(Framing.eol()))
            .suspending {
                onReceive { srv, fd, _, data ->
                    val dispatcher = Co.getCid()
                    srv.coTask(data.decodeToString()) { s, _, r ->
                        if (Co.getPcid() == dispatcher) childOfDispatcher.incrementAndGet()
                        s.coSend(fd, "${r.value()}\n")
                    }
                }
                onTask { _, _, _, data ->
                    coSleep(1.milliseconds)
                    "$data -> OK"
                }
            }
            .start()
        try {
            corun {
                val c = TcpClient().framing(Framing.eol())
                c.coConnect("127.0.0.1", server.port(), 5.seconds) shouldBe true
                c.coSend("a\nb\nc\n".encodeToByteArray()) shouldBe true
                val replies = (1..3).map { c.coRecv(5.seconds)?.decodeToString() }.toSet()
                replies shouldBe setOf("a -> OK", "b -> OK", "c -> OK")
                c.close()
            }
            childOfDispatcher.get() shouldBe 3
        } finally {
            server.shutdown(java.time.Duration.ofSeconds(5))
        }
    }

    test("suspend onFinish, finish() inside a suspend task, coTaskWait and coTaskCo with a slow slot") {
        val finishes = ConcurrentHashMap<Long, TaskResult>()
        val finished = CountDownLatch(1)
        val gate = kotlinx.coroutines.CompletableDeferred<Unit>()
        val server = TcpServer("127.0.0.1", 0)
            .set(TcpServerOptions().taskWorkerNum(4))
            .suspending {
                onTask { srv, _, _, data ->
                    when (data) {
                        "slow" -> { gate.await(); "late" }
                        "finish" -> { srv.finish("by finish()"); "ignored" }
                        else -> "$data!"
                    }
                }
                onFinish { _, id, r -> finishes[id] = r; finished.countDown() }
            }
            .start()
        try {
            corun {
                val id = server.coTask("finish")
                server.coTaskWait("w", 5.seconds).value() shouldBe "w!"
                val co = server.coTaskCo(listOf("x", "slow", "y"), 300.milliseconds)
                co.map { it.outcome() } shouldBe listOf(TaskResult.Outcome.OK, TaskResult.Outcome.TIMEOUT, TaskResult.Outcome.OK)
                co[0].value() shouldBe "x!"
                gate.complete(Unit)
                finished.await(5, TimeUnit.SECONDS) shouldBe true
                finishes[id]?.value() shouldBe "by finish()"
            }
        } finally {
            server.shutdown(java.time.Duration.ofSeconds(5))
        }
    }

    test("blocking forms called from a Kotlin coroutine fail at once and name the suspend form") {
        val server = TcpServer("127.0.0.1", 0).set(TcpServerOptions().taskWorkerNum(1))
            .suspending { onTask { _, _, _, d -> d } }.start()
        try {
            corun {
                shouldThrow<IllegalStateException> { server.send(1, byteArrayOf(1)) }.message shouldContain "coSend()"
                shouldThrow<IllegalStateException> { server.task("x") }.message shouldContain "coTask()"
                shouldThrow<IllegalStateException> { TcpClient().recv(null) }.message shouldContain "coRecv()"
            }
        } finally {
            server.shutdown(java.time.Duration.ofSeconds(5))
        }
    }

    test("the suspend client tells refused from timed out, and many connects run at once") {
        val refusedPort = ServerSocket(0).use { it.localPort }
        val results = ConcurrentHashMap<Int, TcpError>()
        ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()).use { silent ->
            corun {
                repeat(50) { i ->
                    go {
                        val c = TcpClient().framing(Framing.eol())
                        if (i % 2 == 0) {
                            c.coConnect("127.0.0.1", refusedPort, 1.seconds) shouldBe false
                        } else {
                            c.coConnect("127.0.0.1", silent.localPort, 1.seconds) shouldBe true
                            c.coRecv(200.milliseconds) shouldBe null
                        }
                        results[i] = c.error()
                        c.close()
                    }
                }
            }
            results.size shouldBe 50
            results.forEach { (i, e) -> e shouldBe (if (i % 2 == 0) TcpError.REFUSED else TcpError.TIMEOUT) }
        }
    }

    test("idle and send timeouts with suspend handlers: a silent client is closed, a send to a non-reader fails") {
        val closes = CountDownLatch(2)
        val sent = kotlinx.coroutines.CompletableDeferred<Boolean>()
        val server = TcpServer("127.0.0.1", 0)
            .set(TcpServerOptions().idleTimeout(java.time.Duration.ofMillis(300)).sendTimeout(java.time.Duration.ofMillis(300)))
            .suspending {
                onReceive { srv, fd, _, _ -> sent.complete(srv.coSend(fd, ByteArray(64 * 1024 * 1024))) }
                onClose { _, _, _ -> closes.countDown() }
            }
            .start()
        try {
            java.net.Socket("127.0.0.1", server.port()).use { silent ->
                silent.soTimeout = 10_000
                silent.getInputStream().read() shouldBe -1 // closed by the idle timeout
            }
            java.net.Socket("127.0.0.1", server.port()).use { nonReader ->
                nonReader.receiveBufferSize = 4096
                nonReader.getOutputStream().write("go".encodeToByteArray())
                kotlinx.coroutines.runBlocking { kotlinx.coroutines.withTimeout(10.seconds) { sent.await() } } shouldBe false
            }
            closes.await(10, TimeUnit.SECONDS) shouldBe true
        } finally {
            server.shutdown(java.time.Duration.ofSeconds(5))
        }
    }
})
