package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.io.IOException
import java.util.concurrent.CompletionException
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** Swoole's batch, parallel and map as suspend functions. */
class BatchesSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("coBatch keeps the keys in order and runs the tasks side by side") {
        val out = corunBounded {
            val t0 = TimeSource.Monotonic.markNow()
            val r = coBatch(linkedMapOf<String, suspend () -> String>(
                "c" to { coSleep(100.milliseconds); "C" },
                "a" to { coSleep(100.milliseconds); "A" },
                "b" to { coSleep(100.milliseconds); "B" },
            ), 30.seconds)
            (t0.elapsedNow() < 10.seconds) shouldBe true
            r
        }
        out.keys.toList() shouldBe listOf("c", "a", "b")
        out.values.toList() shouldBe listOf("C", "A", "B")
    }

    test("coBatch: unfinished tasks give no value and are cancelled; a null result is kept") {
        val cancelled = AtomicInteger()
        val out = corunBounded {
            coBatch(linkedMapOf<String, suspend () -> Int?>(
                "fast" to { 1 },
                "nothing" to { null },
                "slow" to { try { coSleep(1.hours); 3 } finally { cancelled.incrementAndGet() } },
            ), 50.milliseconds)
        }
        out shouldBe mapOf("fast" to 1, "nothing" to null)
        cancelled.get() shouldBe 1 // corun waited for the cancelled task to end
    }

    test("a failing task fails coBatch after the others finish, checked exceptions wrapped") {
        val finished = AtomicInteger()
        val e = shouldThrow<CompletionException> {
            corunBounded {
                coBatch(linkedMapOf<Int, suspend () -> Int>(
                    1 to { throw IOException("one") },
                    2 to { coSleep(20.milliseconds); finished.incrementAndGet() },
                ))
            }
        }
        (e.cause is IOException) shouldBe true
        finished.get() shouldBe 1
    }

    test("coParallel runs n coroutines with their index and waits for all") {
        val seen = java.util.Collections.synchronizedSet(HashSet<Int>())
        corunBounded { coParallel(20) { i -> coSleep(5.milliseconds); seen.add(i) } }
        seen shouldBe (0 until 20).toSet()
        shouldThrow<IllegalArgumentException> { corunBounded { coParallel(-1) { } } }
    }

    test("coMap keeps the list order and gives null for what did not finish") {
        corunBounded { coMap(listOf(1, 2, 3, 4)) { x -> coSleep((5 * (5 - x)).milliseconds); x * x } } shouldBe listOf(1, 4, 9, 16)
        corunBounded { coMap(listOf(1, 2), 50.milliseconds) { x -> if (x == 2) coSleep(1.hours); x } } shouldBe listOf(1, null)
    }
})
