/*
 * Seed 001, "Concurrent Calls", without the HTTP server: a handler starts two sub-coroutines
 * with `go`, each "fetches" a page and sends its body into a `Channel(2)`; the handler receives
 * twice and answers with both bodies. The two fetches wait at the same time, so the handler
 * takes about one fetch, not two.
 *
 * A fetch is simulated by `coSleep` (the seed's coroutine HTTP client would suspend on its
 * socket the same way) followed by a string body. Each sub-coroutine sends a `host to body`
 * pair, as the seed pushes `['www.qq.com' => $cli->body]`; the handler merges them in the
 * order they arrive.
 */
@file:JvmName("ConcurrentCalls")

package dev.corun.samples.kotlin

import dev.corun.channels.Channel
import dev.corun.channels.receive
import dev.corun.channels.send
import dev.corun.coSleep
import dev.corun.corun
import dev.corun.go
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.TimeSource

/** The seed's two hosts. */
internal const val QQ = "www.qq.com"
internal const val NETEASE = "www.163.com"

/** How long one simulated fetch takes in [showConcurrentCalls]. */
public val FETCH: Duration = 100.milliseconds

/**
 * What the handler answered and how long it took.
 *
 * @property bodies host to body
 * @property elapsed from starting the sub-coroutines to having both results
 */
public data class Answer(val bodies: Map<String, String>, val elapsed: Duration) {
    /** The seed's `json_encode($result)`. */
    public fun json(): String = bodies.entries.joinToString(",", "{", "}") { (k, v) -> "\"$k\":\"$v\"" }
}

/** A coroutine HTTP GET stand-in: suspends for [delay], then returns a body. */
internal suspend fun fetch(host: String, delay: Duration): String {
    coSleep(delay)
    return "<html>$host</html>"
}

/**
 * The seed's `onRequest`: two sub-coroutines send into a `Channel(2)`, the handler receives twice.
 *
 * @param fetchDelay how long each simulated fetch takes
 */
public fun withChannel(fetchDelay: Duration = FETCH): Answer = corun { // the handler's coroutine
    val start = TimeSource.Monotonic.markNow()
    val chan = Channel<Pair<String, String>>(2)
    go { chan.send(QQ to fetch(QQ, fetchDelay)) }
    go { chan.send(NETEASE to fetch(NETEASE, fetchDelay)) }

    val result = LinkedHashMap<String, String>()
    repeat(2) {
        result += chan.receive() // suspends until a sub-coroutine sends
    }
    Answer(result, start.elapsedNow())
}

/** Runs the handler once and prints its answer and how long it took. */
public fun showConcurrentCalls() {
    println("The handler starts two coroutines; each fetches for $FETCH and sends its body into a Channel(2); the handler receives twice.")
    val a = withChannel()
    println("answer:  ${a.json()}")
    println("elapsed: ${a.elapsed.inWholeMilliseconds} ms  (about one fetch, not two: ${(FETCH * 2).inWholeMilliseconds} ms one after the other)")
}

/** Runs [showConcurrentCalls]. */
public fun main(): Unit = showConcurrentCalls()
