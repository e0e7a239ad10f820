/*
 * A three-stage pipeline joined by channels, ending in a `select` with a timeout.
 *
 * - The producer sends job numbers 1..n into `jobs`, then closes it.
 * - The worker collects `jobs.asFlow()` (which ends when `jobs` is closed and drained),
 *   "works" on each job (`coSleep`), sends its square into `results`, and finally sends "done"
 *   into `quit`. One job stalls for longer than the collector's patience.
 * - The collector, the run's main coroutine, selects over `results` and `quit` with an
 *   `onTimeout` clause and records which clause fired each time: results, a timeout while the
 *   stalled job runs, then quit.
 *
 * `results` is a rendezvous channel (`Channel(0)`): the worker's send of the last square
 * completes only when the collector takes it, so quit always comes after every result.
 * `select` here is corun's (`dev.corun.channels.select`), not kotlinx's.
 */
@file:JvmName("SelectPipeline")

package dev.corun.samples.kotlin

import dev.corun.channels.Channel
import dev.corun.channels.asFlow
import dev.corun.channels.select
import dev.corun.channels.send
import dev.corun.coSleep
import dev.corun.corun
import dev.corun.go
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.TimeSource

/** How long the worker spends on an ordinary job. */
public val WORK: Duration = 20.milliseconds

/** How long the stalled job takes: longer than [PATIENCE], so the timeout clause fires. */
public val STALL: Duration = 250.milliseconds

/** The collector's select timeout. */
public val PATIENCE: Duration = 100.milliseconds

/**
 * One firing of the collector's select.
 *
 * @property at time since the pipeline started
 * @property clause "results", "quit" or "timeout"
 * @property value the element received, or the timeout that passed
 */
public data class PipelineEvent(val at: Duration, val clause: String, val value: Any) {
    override fun toString(): String = "%4d ms  %-8s %s".format(at.inWholeMilliseconds, clause, value)
}

/**
 * Runs the pipeline.
 *
 * @param n jobs to produce, 1..n
 * @param stalledJob the job that takes [STALL] instead of [WORK]
 * @return what the collector's select fired, in order
 */
public fun selectPipeline(n: Int = 5, stalledJob: Int = 3): List<PipelineEvent> = corun {
    val start = TimeSource.Monotonic.markNow()
    val jobs = Channel<Int>(0)
    val results = Channel<Int>(0)
    val quit = Channel<String>(1)

    go(name = "producer") {
        for (i in 1..n) jobs.send(i)
        jobs.close()
    }
    go(name = "worker") {
        jobs.asFlow().collect { job ->
            coSleep(if (job == stalledJob) STALL else WORK)
            results.send(job * job)
        }
        quit.send("done")
    }

    val events = mutableListOf<PipelineEvent>()
    do { // the collector
        val fired = select<PipelineEvent> {
            results.onReceive { PipelineEvent(start.elapsedNow(), "results", it) }
            quit.onReceive { PipelineEvent(start.elapsedNow(), "quit", it) }
            onTimeout(PATIENCE) { PipelineEvent(start.elapsedNow(), "timeout", PATIENCE) }
        }
        events += fired
    } while (fired.clause != "quit")
    events
}

/** Runs five jobs, the third of which stalls, and prints what the select fired. */
public fun showSelectPipeline() {
    println("producer -> jobs -> worker (squares; job 3 takes $STALL) -> results -> collector;")
    println("the collector selects over results and quit with a $PATIENCE timeout:")
    selectPipeline().forEach { println("  $it") }
}

/** Runs [showSelectPipeline]. */
public fun main(): Unit = showSelectPipeline()
