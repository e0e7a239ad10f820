/*
 * Seed 001's closing remark, "it is simpler to use WaitGroup": the same two concurrent fetches,
 * with no channel. Each sub-coroutine writes its body into its own slot of an array and calls
 * `wg.done()`; the handler suspends in `wg.wait()` until both are done. The handler no longer
 * has to know how many receives to make, and each result is in its own place, not in arrival
 * order.
 */
@file:JvmName("ConcurrentCallsWithWaitGroup")

package dev.corun.samples.kotlin

import dev.corun.channels.WaitGroup
import dev.corun.channels.wait
import dev.corun.corun
import dev.corun.go
import kotlin.time.Duration
import kotlin.time.TimeSource

/**
 * The handler with a [WaitGroup].
 *
 * @param fetchDelay how long each simulated fetch takes
 * @return host to body (in the order of the hosts), and how long the handler waited
 */
public fun withWaitGroup(fetchDelay: Duration = FETCH): Answer = corun {
    val start = TimeSource.Monotonic.markNow()
    val hosts = listOf(QQ, NETEASE)
    val bodies = arrayOfNulls<String>(hosts.size) // one slot per coroutine: no two write the same one
    val wg = WaitGroup()
    hosts.forEachIndexed { i, host ->
        wg.add() // before go: the handler must not reach wait() with the count still 0
        go {
            try {
                bodies[i] = fetch(host, fetchDelay)
            } finally {
                wg.done() // however the fetch ends, or the handler would wait forever
            }
        }
    }
    wg.wait() // also makes the coroutines' writes to bodies visible here
    Answer(hosts.zip(bodies.map { it!! }).toMap(), start.elapsedNow())
}

/** Runs the handler once and prints its answer and how long it took. */
public fun showConcurrentCallsWithWaitGroup() {
    println("The same two $FETCH fetches; each coroutine stores its body in its own slot and calls wg.done(); the handler calls wg.wait().")
    val a = withWaitGroup()
    println("answer:  ${a.json()}")
    println("elapsed: ${a.elapsed.inWholeMilliseconds} ms  (about one fetch, not two)")
}

/** Runs [showConcurrentCallsWithWaitGroup]. */
public fun main(): Unit = showConcurrentCallsWithWaitGroup()
