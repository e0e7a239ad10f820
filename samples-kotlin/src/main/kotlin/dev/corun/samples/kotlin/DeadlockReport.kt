/*
 * Seed 002 says coroutines must wait on each other through the runtime (channels, joins) rather
 * than through shared state. corun can then see when they wait on each other in a circle: when
 * every coroutine of a `corun` is suspended on a corun primitive with no timeout and nothing can
 * wake any of them, the run fails with a DeadlockException whose message is Go's report,
 * "all coroutines (count: N) are asleep - deadlock!", followed by each coroutine's id, what it
 * waits on and its stack. Here the main coroutine joins a child that joins the main coroutine.
 *
 * The waits must be corun's own (`coJoin`), not kotlinx's `Job.join()`: the runtime only
 * declares a deadlock for waits it can see.
 */
@file:JvmName("DeadlockReport")

package dev.corun.samples.kotlin

import dev.corun.Co
import dev.corun.DeadlockException
import dev.corun.coJoin
import dev.corun.corun
import dev.corun.go

/**
 * Runs a join cycle: the main coroutine [coJoin]s a child, and the child joins the main
 * coroutine. Neither can end before the other.
 *
 * @return the [DeadlockException] that [corun] threw (count 2)
 */
public fun joinCycle(): DeadlockException {
    try {
        corun {
            val main = Co.getCid()
            val child = go(name = "child") { coJoin(longArrayOf(main)) }
            coJoin(longArrayOf(child.cid))
        }
    } catch (e: DeadlockException) {
        return e
    }
    error("corun returned normally although its coroutines joined each other")
}

/** Runs the cycle and prints the report, leaving out the stack frames that the runtime's log already shows. */
public fun showDeadlockReport() {
    println("The main coroutine joins a child that joins the main coroutine.")
    println("corun notices that both are asleep, logs the full report (with stacks) on standard")
    println("error and throws DeadlockException:")
    System.out.flush()
    val e = joinCycle()
    System.err.flush()
    println()
    println("count = ${e.count}; message without the stack frames:")
    e.message.orEmpty().lineSequence().filterNot { it.startsWith("\tat ") }.forEach(::println)
}

/** Runs [showDeadlockReport]. */
public fun main(): Unit = showDeadlockReport()
