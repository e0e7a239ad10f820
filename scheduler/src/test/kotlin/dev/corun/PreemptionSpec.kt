package dev.corun

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.completeWith
import kotlinx.coroutines.currentCoroutineContext
import java.util.Collections
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.coroutines.Continuation
import kotlin.coroutines.intrinsics.COROUTINE_SUSPENDED
import kotlin.coroutines.intrinsics.startCoroutineUninterceptedOrReturn
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/**
 * Calls `checkpoint()` once and tells whether it suspended. It runs as a nested coroutine
 * sharing the caller's context (so the corun dispatcher and the caller's record): if
 * `checkpoint()` suspends, this waits until it has been resumed and answers true.
 */
private suspend fun checkpointSuspended(): Boolean {
    val resumed = CompletableDeferred<Unit>()
    val probe: suspend () -> Unit = { checkpoint() }
    val r = probe.startCoroutineUninterceptedOrReturn(Continuation(currentCoroutineContext()) { resumed.completeWith(it) })
    if (r === COROUTINE_SUSPENDED) {
        resumed.await()
        return true
    }
    return false
}

/** Keeps a CPU busy for a while without any yield point. */
private fun burn(iterations: Int): Long {
    var x = 0L
    for (i in 0 until iterations) x = x * 31 + i
    return x
}

/** The preemptive-yield option as seen from Kotlin's `checkpoint()`. */
class PreemptionSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("Kotlin CPU spinners calling checkpoint() on every carrier (2 here) do not keep a third coroutine from running") {
        // preemption off: they give way to it at checkpoint(), which stays on their carrier. A
        // temporary carrier left by an earlier test could retire between two tasks and hand the
        // third to the global queue, which only preemption would reach: let them go first.
        MonitorTest.awaitNoTemporaryCarriers()
        thirdCoroutineRunsBesideSpinners(preemptive = false) shouldBe 0L
    }

    test("with preemptiveScheduler on, the same spinners let the third coroutine run too") {
        thirdCoroutineRunsBesideSpinners(preemptive = true)
    }

    test("with preemptiveScheduler on, a long checkpoint() loop does get suspended (the probe can see a suspension)") {
        val suspendedOnce = withOptions(CoOptions().preemptiveScheduler(true)) {
            corunBounded(30.seconds) {
                val t0 = TimeSource.Monotonic.markNow()
                var suspended = false
                while (!suspended && t0.elapsedNow() < 10.seconds) {
                    burn(10_000)
                    suspended = checkpointSuspended()
                }
                suspended
            }
        }
        suspendedOnce shouldBe true
    }

    test("with preemptiveScheduler off, checkpoint() never suspends, even in a loop holding the carrier for many time slices") {
        Co.options().preemptiveScheduler() shouldBe false
        val result = corunBounded(30.seconds) {
            val slice = Co.options().timeSlice().toMillis().milliseconds
            val t0 = TimeSource.Monotonic.markNow()
            var calls = 0L
            var suspensions = 0
            while (t0.elapsedNow() < slice * 10) {
                burn(1_000)
                if (checkpointSuspended()) suspensions++
                calls++
            }
            // the cheap path in bulk: a million calls more, no suspension
            repeat(1_000_000) { if (checkpointSuspended()) suspensions++ }
            calls to suspensions
        }
        result.second shouldBe 0
        result.first shouldBeGreaterThan 0L
    }
})

/**
 * Spinners calling `checkpoint()` hold every carrier (compensation off) while a third coroutine,
 * started from one of them, waits in that carrier's queue; returns the preemptions counted
 * meanwhile. The third runs either because a spinner gives way (the monitor saw its carrier's own
 * work wait a tick behind it) or because the preemptive scheduler moves one to the global queue.
 */
private suspend fun thirdCoroutineRunsBesideSpinners(preemptive: Boolean): Long {
    val stop = AtomicBoolean(false)
    val spins = AtomicLong()
    val errors = Collections.synchronizedList(mutableListOf<String>())
    val thirdSawSpinning = AtomicBoolean(false)
    val preemptionsBefore = Co.stats().preemptions
    try {
        // compensation off: only a yield at checkpoint() may let the third coroutine in
        withOptions(CoOptions().preemptiveScheduler(preemptive).maxExtraCarriers(0)) {
            corunBounded(30.seconds) {
                // one spinner per carrier alive now (temporary carriers a previous test left
                // behind retire only when idle): every carrier is held by a spinner
                val n = maxOf(2, Co.stats().carriers.count { it.state != "RETIRED" })
                val started = List(n) { CompletableDeferred<Unit>() }
                val spinners = List(n) { i ->
                    go(name = "spinner-$i") {
                        val me = Co.getCid()
                        started[i].complete(Unit)
                        while (!stop.get()) {
                            burn(10_000)
                            spins.incrementAndGet()
                            checkpoint()
                            if (Co.getCid() != me) errors += "spinner $me saw cid ${Co.getCid()}"
                        }
                    }
                }
                started.forEach { it.await() }
                val third = go(name = "third") {
                    val before = spins.get()
                    burn(10_000)
                    thirdSawSpinning.set(!stop.get() && spins.get() >= before)
                    stop.set(true)
                }
                coJoin(longArrayOf(third.cid) + spinners.map { it.cid }.toLongArray()) shouldBe Status.OK
            }
        }
    } finally {
        stop.set(true)
    }
    thirdSawSpinning.get() shouldBe true
    errors.shouldBeEmpty()
    spins.get() shouldBeGreaterThan 0L
    Co.options().preemptiveScheduler() shouldBe false
    return Co.stats().preemptions - preemptionsBefore
}
