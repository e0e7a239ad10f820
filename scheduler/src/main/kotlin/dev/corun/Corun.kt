@file:JvmName("Corun")

package dev.corun

import dev.corun.internal.ContinuationWaiter
import dev.corun.internal.CorunRuntime
import dev.corun.internal.spawn
import dev.corun.internal.startGo
import dev.corun.internal.KotlinCoroutine
import dev.corun.internal.MainCoroutine
import dev.corun.internal.Join
import dev.corun.internal.Preemption
import dev.corun.internal.toNanosOrForever
import dev.corun.internal.Waiter
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.yield
import kotlin.time.Duration
import kotlin.time.toKotlinDuration

/**
 * Swoole's `Co\run` for Kotlin: runs [block] as a coroutine on the corun scheduler and blocks
 * the calling thread until it and every coroutine started from it (with [go], or Java's
 * `Co.go`) have ended; returns the block's value.
 *
 * Failures are rethrown after all have ended, as in `Co.run`; a run whose coroutines are all
 * asleep on corun primitives fails with [DeadlockException]. Cannot be nested in a coroutine.
 *
 * ```
 * val sum = corun {
 *     val a = go { coSleep(100.milliseconds) }
 *     val b = go { coSleep(100.milliseconds) }
 *     a.join(); b.join()
 *     42
 * }
 * ```
 */
public fun <T> corun(block: suspend CoroutineScope.() -> T): T {
    val rt = CorunRuntime.get()
    val run = rt.newRun()
    val co = MainCoroutine<T>(rt.newKotlinMain(run), rt.scheduler())
    rt.bindKotlin(co.record, co)
    co.spawn(rt.scheduler(), block)
    rt.await(run)
    return co.result()
}

/**
 * Swoole's `go()` for Kotlin: starts a coroutine on the corun scheduler and returns its
 * [CoJob] at once. Inside a run it belongs to that run (`corun` waits for it).
 *
 * Unlike `launch`, it is not a child of this scope's job: like a Swoole or Go coroutine it
 * lives on its own; its failure is reported with its id and fails the run, and never cancels
 * another coroutine. Its context holds the corun dispatcher only (nothing is inherited, as
 * Swoole's `Context` is not). Fails with [IllegalStateException] past `CoOptions.maxCoroutines`.
 *
 * ```
 * corun {
 *     val job = go(name = "fetch") { println("in ${Co.getCid()}") }
 *     job.join()
 * }
 * ```
 */
public fun CoroutineScope.go(name: String? = null, block: suspend CoroutineScope.() -> Unit): CoJob {
    val parent = coroutineContext[KotlinCoroutine] ?: dev.corun.internal.Coroutine.current()
    val co = startGo(CorunRuntime.get().newKotlin(parent, name), block = block)
    return CoJob(co.record.cid(), co)
}

/**
 * The handle of a coroutine started by [go]: its corun id and its kotlinx [Job].
 */
public class CoJob internal constructor(
    /** The coroutine id, the same sequence as Java's `Co.go`. */
    public val cid: Long,
    /** The kotlinx job: cancel it, join it, or attach handlers to it. */
    public val job: Job,
) {
    /**
     * Suspends until the coroutine has ended. A corun wait (it is [coJoin] of this id): a cycle
     * of joins inside `corun` is reported as a [DeadlockException] rather than hanging.
     */
    public suspend fun join() {
        coJoin(longArrayOf(cid))
        job.join() // the record has ended; this only waits for kotlinx to finish completing the job
    }

    /** Cancels the coroutine (the same as `Co.cancel(cid)`). */
    public fun cancel(): Unit = job.cancel()

    public val isActive: Boolean get() = job.isActive

    public val isCompleted: Boolean get() = job.isCompleted

    override fun toString(): String = "CoJob(cid=$cid, $job)"
}

/**
 * Swoole's `Co::sleep` for Kotlin: suspends for [duration] (zero yields). Cancellation throws, as
 * `delay` does. A corun wait, so `Co.getBackTrace(cid)` shows where the coroutine sleeps.
 */
public suspend fun coSleep(duration: Duration) {
    require(!duration.isNegative()) { "sleep duration must not be negative, got $duration" }
    if (duration == Duration.ZERO) {
        yield()
        return
    }
    ContinuationWaiter.suspendIn("coSleep($duration)", duration.inWholeNanoseconds) { null }
}

/** [coSleep] taking a `java.time.Duration`. */
public suspend fun coSleep(duration: java.time.Duration): Unit = coSleep(duration.toKotlinDuration())

/** Swoole's `Co::yield` for Kotlin: lets other ready coroutines run, then continues. */
public suspend fun coYield(): Unit = yield()

/**
 * A yield point: call it in long CPU loops. When the preemptive scheduler is on and this
 * coroutine has held its carrier past the time slice, it goes to the back of the global queue.
 * Whatever that option, when it has held its carrier for a monitor tick (1 ms) while coroutines
 * queued on that carrier wait, it gives way to them (the back of its carrier's hot queue, same
 * carrier). Otherwise it costs a few nanoseconds and does not suspend. Every channel `send` and
 * `receive` is a yield point too.
 *
 * ```
 * go { for (i in 0 until 1_000_000_000L) { work(i); checkpoint() } }
 * ```
 */
public suspend fun checkpoint() {
    if (Preemption.takeMarkOnCarrier()) yield()
}

/**
 * Swoole's `Coroutine::join` for Kotlin: suspends until every coroutine in [cids] has ended,
 * or [timeout] passes (`null` or negative: no timeout). Returns [Status.OK] or [Status.TIMEOUT];
 * cancellation of the caller throws, as in any suspend function.
 */
public suspend fun coJoin(cids: LongArray, timeout: Duration? = null): Status {
    val blocker = "coJoin(${cids.contentToString()})"
    if (timeout == Duration.ZERO) {
        return pollJoin(cids, blocker)
    }
    return ContinuationWaiter.suspendIn(blocker, timeout.toNanosOrForever()) { w ->
        val join = Join.register(cids, w)
        Runnable { join.unregister() }
    }.result()
}


/** `coJoin(cids, ZERO)`: OK if every target has already ended, else TIMEOUT, as `Co.join(cids, Duration.ZERO)`. */
private fun pollJoin(cids: LongArray, blocker: String): Status {
    val probe = object : Waiter(null, blocker) {
        override fun wake() {}
    }
    val join = Join.register(cids, probe)
    if (probe.complete(Status.TIMEOUT, null)) {
        join.unregister()
        return Status.TIMEOUT
    }
    return Status.OK
}

/** [coJoin] taking a `java.time.Duration`. */
public suspend fun coJoin(cids: LongArray, timeout: java.time.Duration?): Status =
    coJoin(cids, timeout?.toKotlinDuration())

