package dev.corun

import io.kotest.core.test.config.DefaultTestConfig
import kotlinx.coroutines.CoroutineScope
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Shared helpers of the kotest specs of the Kotlin API, here and in the channels module (the
 * scheduler's test-jar).
 *
 * The corun runtime is one process-wide singleton shared by every spec in the JVM, so:
 * - every test is bounded twice: by kotest's timeout (as a blocking test, so the timeout can
 *   interrupt a thread stuck in `corun`) and by [corunBounded], which runs `corun` on its own
 *   thread and turns a hang into a failure that names the coroutines still alive;
 * - a test that changes a runtime option does it through [withOptions], which restores every
 *   option afterwards, even when the test fails.
 */
public val BOUNDED_SPEC_CONFIG = DefaultTestConfig(timeout = 120.seconds, blockingTest = true)

/**
 * Runs `corun(block)` on a fresh platform thread and waits at most [timeout] for it. A hang
 * fails with the live coroutines of this run and their stacks; those coroutines are then
 * cancelled (best effort) so a hang does not leak into the next test. Returns what `corun`
 * returned, or rethrows what it threw.
 */
public fun <T> corunBounded(timeout: Duration = 30.seconds, block: suspend CoroutineScope.() -> T): T {
    val firstCidOfRun = Co.stats().lastCid + 1
    val outcome = AtomicReference<Result<T>?>(null)
    val thread = Thread({ outcome.set(runCatching { corun(block) }) }, "corun-test-caller")
    thread.isDaemon = true
    thread.start()
    thread.join(timeout.inWholeMilliseconds)
    if (thread.isAlive) {
        val stuck = Co.list().filter { it >= firstCidOfRun }
        val report = buildString {
            append("corun did not return within ").append(timeout)
            append("; live coroutines of this run: ").append(stuck)
            for (cid in stuck) {
                append("\n  coroutine ").append(cid).append(':')
                Co.getBackTrace(cid)?.take(12)?.forEach { append("\n      at ").append(it) }
            }
            append("\n  caller thread:")
            thread.stackTrace.take(12).forEach { append("\n      at ").append(it) }
        }
        for (cid in stuck) {
            runCatching { Co.cancel(cid) }
        }
        thread.join(5_000)
        throw AssertionError(report)
    }
    return outcome.get()!!.getOrThrow()
}

/**
 * Applies [changes] with `Co.set`, runs [body], and restores every option that can change
 * after start (all but the carrier count) to what it was before.
 */
public inline fun <T> withOptions(changes: CoOptions, body: () -> T): T {
    val before = Co.options()
    Co.set(changes)
    try {
        return body()
    } finally {
        Co.set(
            CoOptions()
                .maxCoroutines(before.maxCoroutines())
                .preemptiveScheduler(before.preemptiveScheduler())
                .timeSlice(before.timeSlice())
                .deadlockCheck(before.deadlockCheck())
                .compensateAfter(before.compensateAfter())
                .maxExtraCarriers(before.maxExtraCarriers()),
        )
    }
}

/** Reads a value of the context of the calling coroutine under a string key. */
internal fun ctxGet(name: String): Any? = Co.getContext().get(name)
