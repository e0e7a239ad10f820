package dev.corun.server.internal

import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.ktor.server.application.ApplicationCallPipeline
import io.ktor.server.engine.connector
import io.ktor.server.engine.embeddedServer
import io.ktor.server.netty.Netty
import io.ktor.server.netty.NettyApplicationCall
import io.ktor.server.response.respondText
import kotlinx.coroutines.runBlocking
import java.net.URI
import kotlin.time.Duration.Companion.seconds

/**
 * [CallLoopPinning] relies on an attribute name inside Ktor's Netty engine. These tests run a raw
 * Ktor app and ask, from inside a call, whether it runs on its connection's event loop: without
 * the pinning it does not (Ktor's call group), with it it does. A Ktor upgrade that renames the
 * attribute makes the second test fail.
 */
class CallLoopPinningSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds, blockingTest = true)

    /** Starts a raw Ktor app answering whether the call runs on its connection's event loop. */
    fun onOwnLoop(pin: Boolean): String {
        val server = embeddedServer(Netty, configure = {
            connector { host = "127.0.0.1"; port = 0 }
            if (pin) channelPipelineConfig = { CallLoopPinning.pinToOwnLoop(channel()) }
        }) {
            intercept(ApplicationCallPipeline.Call) {
                val nettyCall = context as NettyApplicationCall
                nettyCall.respondText(nettyCall.context.channel().eventLoop().inEventLoop().toString())
            }
        }
        server.start(wait = false)
        try {
            val port = runBlocking { server.engine.resolvedConnectors().first().port }
            return URI("http://127.0.0.1:$port/").toURL().readText()
        } finally {
            server.stop(0, 1000)
        }
    }

    test("without pinning, Ktor runs the call on a call loop of its own") {
        onOwnLoop(pin = false) shouldBe "false"
    }

    test("with pinning, the call runs on the connection's own event loop") {
        onOwnLoop(pin = true) shouldBe "true"
    }
})
