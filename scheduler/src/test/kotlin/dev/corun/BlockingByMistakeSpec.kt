package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import java.time.Duration
import kotlin.time.TimeSource

/** The blocking Java forms called from a Kotlin coroutine fail at once and name the suspend form. */
class BlockingByMistakeSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("Co.sleep inside a Kotlin coroutine fails at once, naming coSleep()") {
        corunBounded {
            val t0 = TimeSource.Monotonic.markNow()
            val e = shouldThrow<IllegalStateException> { Co.sleep(Duration.ofSeconds(30)) }
            e.message shouldContain "coSleep()"
            e.message shouldContain "Co.sleep()"
            // "at once": it did not sleep the 30 s first (generous bound)
            (t0.elapsedNow().inWholeSeconds < 10) shouldBe true
            shouldThrow<IllegalStateException> { Co.sleep(Duration.ZERO) }.message shouldContain "coSleep()"
        }
    }

    test("a thread marked as one that must not block (a server's event loop) refuses the blocking forms; others still block") {
        val marked = java.util.concurrent.CompletableFuture<String?>()
        Thread.ofPlatform().start {
            dev.corun.internal.Blocking.forbidOnThisThread("serves many connections")
            marked.complete(runCatching { Co.sleep(Duration.ofSeconds(30)) }.exceptionOrNull()?.message)
        }
        val message = marked.get()!!
        message shouldContain "Co.sleep() would block thread"
        message shouldContain "which serves many connections"
        message shouldContain "coSleep()"
        val plain = java.util.concurrent.CompletableFuture<Throwable?>()
        Thread.ofPlatform().start { plain.complete(runCatching { Co.sleep(Duration.ofMillis(1)) }.exceptionOrNull()) }
        plain.get() shouldBe null
    }

    test("Co.join inside a Kotlin coroutine fails at once, naming coJoin()") {
        corunBounded {
            val gate = CompletableDeferred<Unit>()
            val other = go { gate.await() }
            try {
                shouldThrow<IllegalStateException> { Co.join(longArrayOf(other.cid), null) }.message shouldContain "coJoin()"
                shouldThrow<IllegalStateException> { Co.join(other.cid) }.message shouldContain "coJoin()"
                shouldThrow<IllegalStateException> {
                    Co.join(longArrayOf(other.cid), Duration.ofSeconds(30))
                }.message shouldContain "coJoin()"
                other.isActive shouldBe true
            } finally {
                gate.complete(Unit)
            }
        }
    }

    test("Co.yield inside a Kotlin coroutine fails at once, naming coYield()") {
        corunBounded {
            shouldThrow<IllegalStateException> { Co.yield() }.message shouldContain "coYield()"
        }
    }

    test("the same calls in a go {} coroutine (not only the corun main) fail, and they stay allowed in Java coroutines") {
        val javaOk = CompletableDeferred<Status>()
        corunBounded {
            go {
                shouldThrow<IllegalStateException> { Co.sleep(Duration.ofMillis(1)) }.message shouldContain "coSleep()"
                shouldThrow<IllegalStateException> { Co.yield() }.message shouldContain "coYield()"
            }.join()
            Co.go {
                Co.yield()
                javaOk.complete(Co.sleep(Duration.ofMillis(5)))
            }
        }
        javaOk.await() shouldBe Status.OK
    }
})
