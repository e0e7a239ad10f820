package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.corunBounded
import dev.corun.go
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.util.concurrent.atomic.AtomicIntegerArray
import kotlin.time.Duration
import kotlin.time.Duration.Companion.microseconds
import kotlin.time.Duration.Companion.milliseconds

/** The Kotlin `select { }` DSL. */
class SelectSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("the ready clause fires and says so through its block; an earlier ready clause wins") {
        val a = Channel<Int>(1)
        val b = Channel<Int>(1)
        b.trySend(2)
        corunBounded { select<String> { a.onReceive { "a$it" }; b.onReceive { "b$it" } } } shouldBe "b2"
        a.trySend(1)
        b.trySend(3)
        corunBounded { select<String> { a.onReceive { "a$it" }; b.onReceive { "b$it" } } } shouldBe "a1"
        b.length() shouldBe 1
    }

    test("onSend, onReceiveCatching on a closed channel, and onTimeout") {
        val out = Channel<String>(0)
        val closed = Channel<Int>(0).also { it.close() }
        corunBounded {
            go { out.receive() shouldBe "x" }
            select<String> { out.onSend("x") { "sent" } }
        } shouldBe "sent"
        corunBounded { select<String> { closed.onReceiveCatching { r -> r.status().name } } } shouldBe "CLOSED"
        shouldThrow<ChannelClosedException> { corunBounded { select<Unit> { closed.onReceive { } } } }
        corunBounded { select<String> { Channel<Int>(0).onReceive { "?" }; onTimeout(20.milliseconds) { "timeout" } } } shouldBe "timeout"
        corunBounded { select<String> { Channel<Int>(0).onReceive { "?" }; onTimeout(Duration.ZERO) { "default" } } } shouldBe "default"
    }

    /**
     * Regression: an onSend clause racing its onTimeout must not report a timeout after the
     * element was delivered (a sender retrying on timeout then sent duplicates).
     */
    test("onSend racing a tiny timeout never delivers an element it reports as timed out") {
        val n = 5_000
        val ch = Channel<Int>(0)
        val received = AtomicIntegerArray(n)
        corunBounded {
            val consumer = go {
                while (true) {
                    val r = ch.receiveCatching()
                    if (!r.isOk) break
                    received.incrementAndGet(r.value())
                }
            }
            for (i in 0 until n) {
                var sent = false
                while (!sent) {
                    sent = select { ch.onSend(i) { true }; onTimeout(200.microseconds) { false } }
                }
            }
            ch.close()
            consumer.join()
        }
        for (i in 0 until n) received.get(i) shouldBe 1
    }
})
