package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.Co
import dev.corun.Status
import dev.corun.coJoin
import dev.corun.corunBounded
import dev.corun.go
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.time.Duration
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.TimeSource

/** DESIGN "Blocking by mistake": the blocking forms inside a Kotlin coroutine fail at once, naming the suspend form. */
class ChannelsBlockingByMistakeSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("ch.pop() and ch.pop(timeout) inside a Kotlin coroutine fail at once, naming receive(), and change nothing") {
        corunBounded {
            val ch = Channel<Int>(1)
            val t0 = TimeSource.Monotonic.markNow()
            val e = shouldThrow<IllegalStateException> { ch.pop() }
            e.message shouldContain "receive()"
            e.message shouldContain "Channel.pop()"
            shouldThrow<IllegalStateException> { ch.pop(Duration.ofSeconds(30)) }.message shouldContain "receive()"
            (t0.elapsedNow().inWholeSeconds < 10) shouldBe true // "at once" (generous bound)
            ch.stats() shouldBe Channel.Stats(0, 0, 0)
        }
    }

    test("ch.push(x) inside a Kotlin coroutine fails at once, naming send(), and adds nothing -- even when it would not wait") {
        corunBounded {
            val ch = Channel<Int>(1)
            shouldThrow<IllegalStateException> { ch.push(1) }.message shouldContain "send()"
            shouldThrow<IllegalStateException> { ch.push(1, Duration.ofSeconds(30)) }.message shouldContain "send()"
            ch.length() shouldBe 0
        }
    }

    test("wg.await() inside a Kotlin coroutine fails at once, naming wait(); barrier.await() too") {
        corunBounded {
            val wg = WaitGroup(1)
            shouldThrow<IllegalStateException> { wg.await() }.message shouldContain "wait()"
            shouldThrow<IllegalStateException> { wg.await(Duration.ofSeconds(30)) }.message shouldContain "wait()"
            wg.count() shouldBe 1
            wg.done()
            val b = Barrier()
            shouldThrow<IllegalStateException> { b.await() }.message shouldContain "wait()"
        }
    }

    test("in a go {} coroutine too; the same calls stay allowed in a Java coroutine started from Kotlin") {
        val javaResult = AtomicReference<Any?>()
        corunBounded {
            val ch = Channel<Int>(1)
            go {
                shouldThrow<IllegalStateException> { ch.pop() }.message shouldContain "receive()"
                shouldThrow<IllegalStateException> { ch.push(1) }.message shouldContain "send()"
            }.join()
            val cid = Co.go {
                ch.push(5) shouldBe true
                javaResult.set(ch.pop())
                WaitGroup().await() shouldBe Status.OK
            }
            coJoin(longArrayOf(cid)) shouldBe Status.OK
        }
        javaResult.get() shouldBe 5
    }

    test("the non-blocking forms (trySend, tryReceive) are fine inside a Kotlin coroutine") {
        corunBounded {
            val ch = Channel<Int>(1)
            ch.trySend(1) shouldBe Status.OK
            ch.trySend(2) shouldBe Status.TIMEOUT
            ch.tryReceive().value() shouldBe 1
            ch.tryReceive().status() shouldBe Status.TIMEOUT
        }
    }
})
