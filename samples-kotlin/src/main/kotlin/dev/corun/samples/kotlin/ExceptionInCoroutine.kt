/*
 * Seed 002, "Traitement des exceptions": an exception must be caught inside the coroutine that
 * throws it; a `try/catch` around `go { }` in another coroutine never sees it, because `go`
 * returns at once and the body runs on its own (a corun coroutine is not a child of the scope
 * that started it). An exception that escapes its coroutine is Swoole's "Fatal error:
 * Uncaught": corun reports it (with the coroutine id and stack) and `corun` rethrows it when
 * the run has ended.
 */
@file:JvmName("ExceptionInCoroutine")

package dev.corun.samples.kotlin

import dev.corun.Co
import dev.corun.corun
import dev.corun.go
import kotlinx.coroutines.CompletableDeferred
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong

/** What the seed's correct example observed: the coroutine that threw and caught, and the message. */
public data class Caught(val cid: Long, val message: String)

/**
 * What the seed's wrong example observed.
 *
 * @property parentCaughtIt whether the `catch` around `go { }` in the starting coroutine ran (it never does)
 * @property throwerCid the id of the coroutine that threw
 * @property rethrownByRun the exception [corun] threw after the run ended
 */
public data class Uncaught(val parentCaughtIt: Boolean, val throwerCid: Long, val rethrownByRun: Throwable)

/** The seed's "exemple correct": the coroutine calls `test()`, which throws, and catches the exception itself. */
public fun caughtInsideItsCoroutine(): Caught = corun {
    val caught = CompletableDeferred<Caught>()
    go {
        try {
            test()
        } catch (e: IllegalStateException) {
            caught.complete(Caught(Co.getCid(), e.message.orEmpty()))
        }
    }
    caught.await()
}

/**
 * The seed's "exemple d'erreur": the `try/catch` is in the coroutine that calls [go], the
 * `throw` in the coroutine it starts. The catch does not run; the runtime reports the uncaught
 * exception on standard error and [corun] rethrows it.
 */
public fun uncaughtCrossesNoCoroutine(): Uncaught {
    val parentCaughtIt = AtomicBoolean()
    val thrower = AtomicLong()
    try {
        corun {
            try {
                thrower.set(go { test() }.cid)
            } catch (e: IllegalStateException) {
                parentCaughtIt.set(true)
            }
        }
    } catch (e: IllegalStateException) {
        return Uncaught(parentCaughtIt.get(), thrower.get(), e)
    }
    error("corun returned normally although a coroutine threw")
}

private fun test(): Nothing = throw IllegalStateException("thrown by test() in coroutine ${Co.getCid()}")

/** Runs the correct example, then the wrong one, and explains what they show. */
public fun showExceptionInCoroutine() {
    val caught = caughtInsideItsCoroutine()
    println("Right: coroutine ${caught.cid} wrapped test() in try/catch and caught \"${caught.message}\".")
    println()
    println("Wrong: try { go { test() } } catch (...) { ... } in the parent coroutine.")
    println("The runtime reports the uncaught exception on standard error, with the coroutine id:")
    System.out.flush()
    val uncaught = uncaughtCrossesNoCoroutine()
    System.err.flush()
    println("  the parent's catch ran: ${uncaught.parentCaughtIt}")
    println("  corun rethrew it once the run had ended: ${uncaught.rethrownByRun}")
}

/** Runs [showExceptionInCoroutine]. */
public fun main(): Unit = showExceptionInCoroutine()
