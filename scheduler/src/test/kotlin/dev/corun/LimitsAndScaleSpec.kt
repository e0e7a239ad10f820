package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

/** `CoOptions.maxCoroutines` and many suspended Kotlin coroutines at once. */
class LimitsAndScaleSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("starting one more go {} than maxCoroutines allows fails with a clear IllegalStateException; the limit is restored") {
        val before = Co.options().maxCoroutines()
        val started = AtomicInteger()
        corunBounded {
            val gate = CompletableDeferred<Unit>()
            try {
                // whatever else is alive now (this main coroutine at least) counts against the limit
                val alive = Co.stats().coroutineNum
                withOptions(CoOptions().maxCoroutines(alive + 3)) {
                    val jobs = List(3) { go { started.incrementAndGet(); gate.await() } }
                    val e = shouldThrow<IllegalStateException> { go { started.incrementAndGet() } }
                    e.message shouldContain "maxCoroutines"
                    e.message shouldContain "${alive + 3}"
                    // the Java form is limited by the same count
                    shouldThrow<IllegalStateException> { Co.go { } }.message shouldContain "maxCoroutines"
                    // the failed starts did not count: once one ends, one more can start
                    gate.complete(Unit)
                    jobs.forEach { it.join() }
                    go { started.incrementAndGet() }.join()
                }
            } finally {
                gate.complete(Unit)
            }
        }
        started.get() shouldBe 4
        Co.options().maxCoroutines() shouldBe before
    }

    test("100 000 Kotlin coroutines suspended at once all complete; Co.stats().coroutineNum counts them while parked") {
        val n = 100_000
        val finished = AtomicInteger()
        val aliveWhileParked = AtomicInteger()
        withOptions(CoOptions().maxCoroutines(n + 10_000)) {
            corunBounded(90.seconds) {
                val gate = CompletableDeferred<Unit>()
                val allParked = CompletableDeferred<Unit>()
                val parked = AtomicInteger()
                try {
                    repeat(n) {
                        go {
                            if (parked.incrementAndGet() == n) allParked.complete(Unit)
                            gate.await()
                            finished.incrementAndGet()
                        }
                    }
                    allParked.await()
                    aliveWhileParked.set(Co.stats().coroutineNum)
                    Co.stats().coroutinePeak shouldBeGreaterThanOrEqual n + 1
                } finally {
                    gate.complete(Unit)
                }
            }
        }
        aliveWhileParked.get() shouldBeGreaterThanOrEqual n + 1
        finished.get() shouldBe n
        (Co.stats().coroutineNum < n) shouldBe true
    }
})
