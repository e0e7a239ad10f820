package dev.corun

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/**
 * The back trace of [cid] once it shows a frame of this spec (the coroutine got to its wait),
 * looking again until a generous bound passes; then whatever it shows.
 */
private suspend fun traceShowingSpec(cid: Long): String {
    val t0 = TimeSource.Monotonic.markNow()
    while (t0.elapsedNow() < 5.seconds) {
        val trace = Co.getBackTrace(cid)?.joinToString("\n").orEmpty()
        if ("IntrospectionSpec" in trace) return trace
        coYield()
    }
    return Co.getBackTrace(cid)?.joinToString("\n").orEmpty()
}

/** `Co.getBackTrace`, `Co.getElapsed` and names for Kotlin coroutines. */
class IntrospectionSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("Co.getElapsed(cid) of a live Kotlin coroutine grows; of an ended one is -1") {
        corunBounded {
            val started = CompletableDeferred<Unit>()
            val job = go { started.complete(Unit); coSleep(1.hours) }
            started.await()
            coSleep(20.milliseconds)
            Co.getElapsed(job.cid) shouldBeGreaterThanOrEqual 20L
            Co.getElapsed() shouldBeGreaterThanOrEqual 20L
            job.cancel()
            job.join()
            Co.getElapsed(job.cid) shouldBe -1L
        }
    }

    test("Co.getBackTrace(cid) of a Kotlin coroutine suspended in coJoin shows where it waits") {
        corunBounded {
            val gate = CompletableDeferred<Unit>()
            val target = go { gate.await() }
            val joining = CompletableDeferred<Unit>()
            val joiner = go(name = "joiner") {
                joining.complete(Unit)
                coJoin(longArrayOf(target.cid))
            }
            joining.await()
            try {
                traceShowingSpec(joiner.cid) shouldContain "IntrospectionSpec"
            } finally {
                gate.complete(Unit)
            }
        }
    }

    test("Co.getBackTrace(cid) of a Kotlin coroutine suspended in coSleep shows its suspended frames") {
        corunBounded {
            val sleeping = CompletableDeferred<Unit>()
            val job = go(name = "sleeper") {
                sleeping.complete(Unit)
                coSleep(1.hours)
            }
            sleeping.await()
            try {
                traceShowingSpec(job.cid) shouldContain "IntrospectionSpec"
            } finally {
                job.cancel()
            }
        }
    }
})
