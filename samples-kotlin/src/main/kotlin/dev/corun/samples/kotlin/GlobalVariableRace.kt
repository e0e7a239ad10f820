/*
 * Seed 002, "Utiliser des variables statiques de classe/variables globales pour conserver le
 * contexte": coroutines run interleaved, so per-request state kept in a global belongs to
 * whichever request wrote last. Request /a stores its name in the global, then suspends on slow
 * I/O; request /b runs meanwhile and overwrites the global; /a resumes and answers "b". The fix
 * is per-coroutine state: `Co.getContext()` with a typed `Context.Key`. corun empties a
 * coroutine's Context when the coroutine ends, which is the seed's `Context::delete` done for
 * you.
 *
 * Each request is handled in its own coroutine, as a corun HTTP server does. The "client" sends
 * /b once /a has started waiting on the backend: the seed's two `curl` commands launched in
 * parallel.
 */
@file:JvmName("GlobalVariableRace")

package dev.corun.samples.kotlin

import dev.corun.Co
import dev.corun.Context
import dev.corun.coSleep
import dev.corun.corun
import dev.corun.go
import kotlinx.coroutines.CompletableDeferred
import kotlin.time.Duration.Companion.milliseconds

/** How long /a waits on the backend; /b only has to finish within it. */
private val SLOW_IO = 500.milliseconds

/** The seed's `$_array['name']`: one slot for the whole process. Volatile, so the bug shown is sharing, not visibility. */
@Volatile
private var globalName: String? = null

/** The request's name in its coroutine's [Context]. */
private val NAME: Context.Key<String> = Context.key("name")

/** The bodies that /a and /b answered. */
public data class Responses(val a: String, val b: String)

/**
 * The slow service /a calls: one [coSleep] of [SLOW_IO]. It also tells the client that a
 * request has started waiting, so that /b is sent during that wait.
 */
private class Backend {
    private val busy = CompletableDeferred<Unit>()

    suspend fun slowQuery() {
        busy.complete(Unit)
        coSleep(SLOW_IO)
    }

    suspend fun awaitBusy() = busy.await()
}

/** A request handler: returns the response body (the seed's `$response->end(...)`). */
private typealias Handler = suspend (uri: String, backend: Backend) -> String

/**
 * The seed's "exemple d'erreur": the handlers keep the request's name in a global.
 *
 * @return the responses; /a answered "b", the value /b stored
 */
public fun withGlobal(): Responses = serve { uri, backend ->
    if (uri == "/a") {
        globalName = "a"
        backend.slowQuery() // coroutine 1 suspends here...
        globalName.orEmpty() // ...and reads what /b stored meanwhile
    } else {
        globalName = "b"
        ""
    }
}

/**
 * The seed's "exemple correct": the handlers keep the request's name in their coroutine's
 * [Context].
 *
 * @return the responses; /a answered "a"
 */
public fun withContext(): Responses = serve { uri, backend ->
    if (uri == "/a") {
        Co.getContext().put(NAME, "a")
        backend.slowQuery()
        Co.getContext().get(NAME).orEmpty() // this coroutine's own slot: /b cannot touch it
    } else {
        Co.getContext().put(NAME, "b")
        ""
    }
}

/**
 * The seed's `Context::delete` is not needed: a coroutine stores a value in its [Context] and
 * ends, and the context is empty afterwards.
 *
 * @return the context of a coroutine that has ended
 */
public fun contextAfterItsCoroutineEnded(): Context = corun {
    val used = CompletableDeferred<Context>()
    go {
        val context = Co.getContext()
        context.put(NAME, "a")
        used.complete(context)
    }
    used.await()
}

/** Handles /a, then /b while /a waits, each in its own coroutine; returns once both have answered. */
private fun serve(handler: Handler): Responses = corun {
    val backend = Backend()
    val a = CompletableDeferred<String>()
    val b = CompletableDeferred<String>()
    go(name = "/a") { a.complete(handler("/a", backend)) }
    backend.awaitBusy()
    go(name = "/b") { b.complete(handler("/b", backend)) }
    Responses(a.await(), b.await())
}

/** Runs the wrong version, then the right one, and explains what they show. */
public fun showGlobalVariableRace() {
    println("Two requests, each handled in its own coroutine: /a stores its name \"a\", then waits $SLOW_IO on a slow backend;")
    println("/b arrives during that wait and stores its name \"b\".")
    println()
    println("With a global:             /a answered \"${withGlobal().a}\"  <- wrong: /b overwrote the global while /a was suspended")
    println("With Co.getContext():      /a answered \"${withContext().a}\"  <- right: each coroutine has its own Context")
    println("A Context after its coroutine ended: ${contextAfterItsCoroutineEnded()} (corun empties it; no Context::delete needed)")
}

/** Runs [showGlobalVariableRace]. */
public fun main(): Unit = showGlobalVariableRace()
