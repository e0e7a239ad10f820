@file:Suppress("unused")

package dev.corun.channels.lincheck

import dev.corun.channels.WaitGroup
import dev.corun.channels.wait
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine
import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.StressOptions
import org.junit.jupiter.api.Test

/**
 * Lincheck tests of corun's WaitGroup against a sequential model: a counter that never goes
 * below zero (an add that would take it below zero fails with IllegalStateException and changes
 * nothing, answered here as "ISE") and a set of suspended waiters released together when the
 * count reaches zero; wait() on a zero count returns at once. The suspend wait() may be cancelled
 * by Lincheck (both plain and prompt cancellation): it has no effect on the group either way.
 */
class WaitGroupLincheckTest {
    private val wg = WaitGroup()

    @Operation
    fun add(@Param(gen = IntGen::class, conf = "-2:2") delta: Int): String = try {
        wg.add(delta)
        "OK"
    } catch (e: IllegalStateException) {
        "ISE"
    }

    @Operation
    fun done(): String = try {
        wg.done()
        "OK"
    } catch (e: IllegalStateException) {
        "ISE"
    }

    @Operation
    fun count(): Int = wg.count()

    @Operation(promptCancellation = true)
    suspend fun await(): String = wg.wait().name

    @Test
    fun modelChecking() = ModelCheckingOptions()
        .iterations(MC_ITERATIONS)
        .invocationsPerIteration(MC_INVOCATIONS)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(2)
        .actorsAfter(1)
        .sequentialSpecification(WaitGroupModel::class.java)
        .check(this::class)

    @Test
    fun stress() = StressOptions()
        .iterations(STRESS_ITERATIONS)
        .invocationsPerIteration(STRESS_INVOCATIONS)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .sequentialSpecification(WaitGroupModel::class.java)
        .check(this::class)

    companion object {
        const val MC_ITERATIONS = 6
        const val MC_INVOCATIONS = 200
        const val STRESS_ITERATIONS = 3
        const val STRESS_INVOCATIONS = 300
    }
}

/** The sequential WaitGroup: see [WaitGroupLincheckTest]. */
class WaitGroupModel {
    private var count = 0
    private val waiters = ArrayDeque<CancellableContinuation<String>>()

    fun add(delta: Int): String {
        if (count + delta < 0) return "ISE"
        count += delta
        if (count == 0) {
            while (waiters.isNotEmpty()) waiters.removeFirst().resumeIfActive("OK")
        }
        return "OK"
    }

    fun done(): String = add(-1)

    fun count(): Int = count

    suspend fun await(): String =
        if (count == 0) "OK" else suspendCancellableCoroutine { c -> waiters.addLast(c) }
}
