package dev.corun.samples.kotlin

import dev.corun.Co
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import java.net.InetAddress
import java.net.ServerSocket
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

class TcpSamplesSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds, blockingTest = true)

    test("seed 003 in Kotlin: each line comes back through the task pool") {
        val log = java.util.concurrent.ConcurrentLinkedQueue<String>()
        val server = taskServer("127.0.0.1", 0) { log += it }.start()
        try {
            exchange("127.0.0.1", server.port(), listOf("a", "b"), 10.seconds).toSet() shouldBe setOf("a -> OK", "b -> OK")
        } finally {
            server.shutdown(java.time.Duration.ofSeconds(10)) shouldBe true
        }
        log.count { it.startsWith("Dispatch AsyncTask") } shouldBe 2
        log.count { it.contains("Finish:") } shouldBe 2
    }

    test("seed 004 in Kotlin: up, silent, refused and closed hosts checked at once") {
        val loop = InetAddress.getLoopbackAddress()
        val up = ServerSocket(0, 50, loop)
        val silent = ServerSocket(0, 50, loop)
        val closer = ServerSocket(0, 50, loop)
        val refused = ServerSocket(0, 1, loop).use { it.localPort }
        try {
            Co.go { up.accept().use { it.getOutputStream().write("SSH-2.0-fake\r\n".toByteArray()) } }
            Co.go { closer.accept().close() }
            val start = TimeSource.Monotonic.markNow()
            val statuses = checkHosts(
                listOf("127.0.0.1" to up.localPort, "127.0.0.1" to silent.localPort,
                    "127.0.0.1" to refused, "127.0.0.1" to closer.localPort),
                500.milliseconds,
            )
            statuses shouldBe listOf(HostStatus.Up("SSH-2.0-fake"), HostStatus.TimedOut, HostStatus.Refused, HostStatus.Closed)
            start.elapsedNow() shouldBeLessThan 5.seconds
        } finally {
            up.close(); silent.close(); closer.close()
        }
    }
})
