package dev.corun.channels

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/*
 * Helpers of the kotest specs of the channels module on top of the scheduler's
 * (`dev.corun.corunBounded`, `withOptions`, `BOUNDED_SPEC_CONFIG`, from its test-jar).
 */

/** Polls [condition] (yielding the thread, no fixed sleep) until it holds or [timeout] passes; fails then. */
internal fun awaitCondition(what: String, timeout: Duration = 20.seconds, condition: () -> Boolean) {
    val deadline = System.nanoTime() + timeout.inWholeNanoseconds
    while (!condition()) {
        if (System.nanoTime() > deadline) throw AssertionError("timed out after $timeout waiting for: $what")
        Thread.onSpinWait()
        Thread.yield()
    }
}

/** In a coroutine: yields (no sleep) until [condition] holds, failing after [timeout]. */
internal suspend fun yieldUntil(what: String, timeout: Duration = 20.seconds, condition: () -> Boolean) {
    val deadline = System.nanoTime() + timeout.inWholeNanoseconds
    while (!condition()) {
        if (System.nanoTime() > deadline) throw AssertionError("timed out after $timeout waiting for: $what")
        kotlinx.coroutines.yield()
    }
}
