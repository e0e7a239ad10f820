/*
 * Seed 002, "Sortir d'une co-routine": `exit()` inside a coroutine does not kill the process.
 * `Co.exit(status)` throws an ExitException carrying the status and where exit was called
 * (`flags` has EXIT_IN_COROUTINE, 2). It unwinds the coroutine like any exception, so a `catch`
 * higher up the same coroutine can do what exit would have done; if nothing catches it,
 * `corun` rethrows it and `main` decides what the process does with the status.
 */
@file:JvmName("ExitInCoroutine")

package dev.corun.samples.kotlin

import dev.corun.Co
import dev.corun.ExitException
import dev.corun.coSleep
import dev.corun.corun
import dev.corun.go
import kotlinx.coroutines.CompletableDeferred
import kotlin.time.Duration.Companion.milliseconds

/**
 * The seed's "utilisation de base" in a coroutine started with [go]: `route()` calls
 * `controller()`, which calls `yourCode()`, which sleeps and then calls `Co.exit(1)`; the
 * coroutine's top-level `catch` receives the [ExitException] and hands it back through a
 * [CompletableDeferred].
 *
 * @return the exception caught inside the coroutine (status 1, flags `EXIT_IN_COROUTINE`)
 */
public fun catchExitAtTopOfCoroutine(): ExitException = corun {
    val caught = CompletableDeferred<ExitException>()
    go {
        try {
            route()
        } catch (e: ExitException) {
            caught.complete(e)
        }
    }
    caught.await()
}

/**
 * The seed's "sortie avec statut", without its global: nothing in the coroutine catches
 * `Co.exit(status)`, so [corun] rethrows the [ExitException] once the run has ended, and the
 * caller reads the status from it.
 *
 * @return the status that `corun` handed back to its caller
 */
public fun exitStatusOfRun(status: Int): Int =
    try {
        corun { go { Co.exit(status) } }
        error("corun returned normally although its coroutine called Co.exit($status)")
    } catch (e: ExitException) {
        e.status
    }

private suspend fun route() = controller()

private suspend fun controller() = yourCode()

private suspend fun yourCode() {
    coSleep(1.milliseconds)
    Co.exit(1)
}

/** Runs both examples and explains what they show. */
public fun showExitInCoroutine() {
    val e = catchExitAtTopOfCoroutine()
    println("route() -> controller() -> yourCode() called Co.exit(1) after coSleep(1.milliseconds);")
    println("the coroutine's own catch received the ExitException:")
    println("  message = \"${e.message}\"")
    println("  status  = ${e.status}    (== 1: ${e.status == 1})")
    println("  flags   = ${e.flags}    (== EXIT_IN_COROUTINE: ${e.flags == ExitException.EXIT_IN_COROUTINE})")
    println("The process is still alive: exit() only unwound the coroutine.")
    println()
    val status = exitStatusOfRun(123)
    println("corun { go { Co.exit(123) } } with nobody catching it: corun rethrew the ExitException,")
    println("and main read status = $status from it (it could pass it to exitProcess).")
}

/** Runs [showExitInCoroutine]. */
public fun main(): Unit = showExitInCoroutine()
