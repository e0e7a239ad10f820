@file:JvmName("ChannelAdapters")

package dev.corun.channels

import dev.corun.go
import dev.corun.internal.CorunRuntime
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel.Factory.RENDEZVOUS
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.jdk9.asFlow
import kotlinx.coroutines.jdk9.asPublisher
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext

/*
 * Adapters between corun's Channel and the two standard stream types: kotlinx.coroutines' Flow
 * and java.util.concurrent.Flow (Reactive Streams). `Channel.asFlow()` lives in Channels.kt.
 *
 * Element ownership is the channel's: every element goes to exactly one receiver, so these are
 * "hot" adapters. A publisher made from a channel shares the channel's elements among its
 * subscribers (each element goes to one of them), as several collectors of `asFlow()` do.
 */

/**
 * The channel as a `java.util.concurrent.Flow.Publisher` with back-pressure: a subscriber gets
 * at most as many elements as it has `request`ed, each taken from the channel only when there is
 * demand for it (an element not yet requested stays in the channel for other receivers).
 * The publisher signals `onComplete` once the channel is closed and drained.
 *
 * Each subscription receives from the channel in a Kotlin coroutine dispatched on the corun
 * scheduler (through kotlinx-coroutines-jdk9's `Flow.asPublisher`), so `onNext` runs on a corun
 * carrier thread: it must not block (the blocking `Channel.pop()`/`push()` fail there with
 * `IllegalStateException`); hand slow work to a coroutine instead. [context] is added to the
 * subscription coroutine's context (a different dispatcher in it replaces corun's).
 * Cancelling the subscription stops receiving; an element the subscription had not taken yet
 * stays in the channel.
 *
 * Several subscribers share the elements (each element goes to one of them), like several
 * `asFlow()` collectors; the publisher is not a broadcast.
 *
 * ```
 * val ch = Channel<String>(16)
 * ch.asPublisher().subscribe(object : Flow.Subscriber<String> {
 *     lateinit var s: Flow.Subscription
 *     override fun onSubscribe(s: Flow.Subscription) { this.s = s; s.request(1) }
 *     override fun onNext(item: String) { println(item); s.request(1) }
 *     override fun onError(t: Throwable) { t.printStackTrace() }
 *     override fun onComplete() { println("closed") }
 * })
 * ```
 * From Java: `Flow.Publisher<String> p = ChannelAdapters.asPublisher(ch);`
 */
@JvmOverloads
public fun <T : Any> Channel<T>.asPublisher(context: CoroutineContext = EmptyCoroutineContext): java.util.concurrent.Flow.Publisher<T> =
    asFlow().asPublisher(CorunRuntime.get().scheduler() + context)

/**
 * Starts a corun coroutine (as [go] does) that collects this flow and sends every element into
 * a new [Channel] of [capacity] (0: rendezvous), and returns the channel at once; the channel
 * is closed when the flow completes. This is kotlinx's `Flow.produceIn(scope)` for corun
 * channels: consumers receive until `receiveCatching` reports CLOSED (or `asFlow()` completes).
 *
 * - Back-pressure: the producer suspends in `send` while the channel is full, so the flow is
 *   collected only as fast as the channel is drained.
 * - The consumer may stop early by closing the channel: the producer's next `send` fails, and it
 *   stops collecting (cancelling the upstream flow) and ends quietly.
 * - If the flow fails, the channel is closed (a corun channel carries no cause: consumers see
 *   CLOSED) and the failure is the producer coroutine's uncaught failure: reported with its id
 *   and rethrown by the enclosing `corun`/`Co.run`, as for any `go {}`.
 * - Like [go], the producer belongs to the current corun run (`corun` waits for it), not to
 *   [scope]'s job; but cancelling [scope]'s job cancels the producer (and so closes the channel),
 *   as kotlinx users expect of `produceIn`.
 *
 * ```
 * corun {
 *     val squares = (1..10).asFlow().map { it * it }.toChannel(this, capacity = 4)
 *     while (true) {
 *         val r = squares.receiveCatching()
 *         if (!r.isOk) break
 *         println(r.value())
 *     }
 * }
 * ```
 */
public fun <T : Any> Flow<T>.toChannel(scope: CoroutineScope, capacity: Int = 0): Channel<T> {
    val channel = Channel<T>(capacity)
    val flow = this
    val parentJob = scope.coroutineContext[Job]
    val producer = scope.go(name = "Flow.toChannel") {
        try {
            channel.sendAllOrStop(flow)
        } finally {
            channel.close()
        }
    }
    if (parentJob != null) {
        val handle = parentJob.invokeOnCompletion { cause -> if (cause != null) producer.cancel() }
        producer.job.invokeOnCompletion { handle.dispose() }
    }
    return channel
}

/**
 * Subscribes to this `java.util.concurrent.Flow.Publisher` from a corun coroutine that sends
 * every item into a new [Channel] of [capacity] (0: rendezvous), and returns the channel at
 * once; the channel is closed when the publisher completes (or fails: see below).
 *
 * - Back-pressure: items are requested from the publisher only as the channel takes them
 *   (one at a time for a rendezvous channel, up to [capacity] ahead otherwise), so a fast
 *   publisher never floods memory.
 * - Closing the channel early cancels the subscription.
 * - `onError` closes the channel and fails the producer coroutine with the error: it is
 *   reported with the coroutine's id and rethrown by the enclosing `corun`/`Co.run`.
 * - The producer coroutine belongs to the caller's corun run, if any (`Co.run` waits for it).
 *   Callable from Java coroutines, Kotlin coroutines and plain threads.
 *
 * ```
 * corun {
 *     val ch = somePublisher.toChannel(capacity = 8)
 *     ch.asFlow().collect { println(it) }
 * }
 * ```
 * From Java: `Channel<String> ch = ChannelAdapters.toChannel(publisher, 8);`
 */
@OptIn(kotlinx.coroutines.DelicateCoroutinesApi::class)
@JvmOverloads
public fun <T : Any> java.util.concurrent.Flow.Publisher<T>.toChannel(capacity: Int = 0): Channel<T> {
    require(capacity >= 0) { "capacity must not be negative, got $capacity" }
    // the channel's constructor validates too, but fail before subscribing
    return asFlow().buffer(if (capacity == 0) RENDEZVOUS else capacity).toChannel(GlobalScope, capacity)
}

/**
 * Sends every element of [flow] into this channel, in order, suspending while it is full;
 * returns when the flow completes. It does not close the channel (several producers may share
 * it; close it when they are all done, as in Go). Throws [ChannelClosedException] if the channel
 * is closed meanwhile (the flow's collection is cancelled then), and rethrows the flow's failure.
 *
 * ```
 * corun {
 *     val ch = Channel<Int>(8)
 *     val wg = WaitGroup()
 *     for (part in parts) { wg.add(); go { try { ch.sendAll(part) } finally { wg.done() } } }
 *     go { wg.wait(); ch.close() }
 *     ch.asFlow().collect { println(it) }
 * }
 * ```
 */
public suspend fun <T : Any> Channel<T>.sendAll(flow: Flow<T>) {
    flow.collect { send(it) }
}

/**
 * Sends every item of [publisher] into this channel, requesting items only as the channel takes
 * them; returns when the publisher completes. Does not close the channel (see [sendAll]).
 * Throws [ChannelClosedException] if the channel is closed meanwhile (cancelling the
 * subscription), and rethrows the publisher's `onError`.
 *
 * ```
 * corun {
 *     val ch = Channel<String>(0)
 *     go { ch.sendAll(publisher); ch.close() }
 *     ch.asFlow().collect { println(it) }
 * }
 * ```
 */
public suspend fun <T : Any> Channel<T>.sendAll(publisher: java.util.concurrent.Flow.Publisher<T>) {
    sendAll(publisher.asFlow().buffer(if (capacity() == 0) RENDEZVOUS else capacity()))
}

/** [sendAll], but a channel closed by the consumer ends the sending quietly (the flow is cancelled). */
private suspend fun <T : Any> Channel<T>.sendAllOrStop(flow: Flow<T>) {
    val stop = ConsumerClosed()
    try {
        flow.collect { element ->
            try {
                send(element)
            } catch (e: ChannelClosedException) {
                throw stop
            }
        }
    } catch (e: ConsumerClosed) {
        if (e !== stop) throw e
    }
}

/** Thrown through the flow to stop collecting it when the consumer closed the channel. */
private class ConsumerClosed : kotlinx.coroutines.CancellationException("the channel was closed by its consumer") {
    override fun fillInStackTrace(): Throwable = this
}
