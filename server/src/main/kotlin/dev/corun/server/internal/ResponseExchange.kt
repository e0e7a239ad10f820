@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package dev.corun.server.internal

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.ClosedSendChannelException
import java.nio.file.Path
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger

/**
 * The hand-over between a handler coroutine (the producer: Java virtual thread or Kotlin
 * coroutine on corun) and the Ktor call coroutine that owns the Netty response (the consumer).
 *
 * Design: the handler never touches Ktor or Netty objects. It builds a [Head] (status, headers,
 * cookies, and either the whole body, a file, or "streaming follows") and publishes it once
 * through [head], a `CompletableDeferred` the Ktor coroutine awaits without blocking any
 * thread. Streamed chunks go through the [Streamed] head's channel, a bounded kotlinx channel
 * (back-pressure: a handler writing faster than the client reads parks when [CHUNK_BUFFER]
 * chunks are queued); it is made only for a streamed response, not for every request.
 *
 * Invariants:
 * - [head] is completed exactly once (first `end`/`write`/`sendfile`, or the server's 500, or
 *   the handler returning); status and headers are frozen from then on. The mutable fields are
 *   written only by the handler's coroutine before that, and the completion publishes them
 *   (happens-before) to the Ktor coroutine.
 * - A streamed head's chunk channel is closed exactly once: normally by `end`, with a cause when
 *   the handler failed (the Ktor side aborts the connection, since a 500 can no longer be sent).
 * - When the client goes away the Ktor side calls [abort]: the chunk channel, if any, is
 *   cancelled, so a blocked or later write returns `false` at once instead of waiting for a
 *   reader that is gone.
 */
internal class ResponseExchange {
    sealed interface Head {
        val status: Int
        val headers: List<Pair<String, String>>
    }

    class Full(override val status: Int, override val headers: List<Pair<String, String>>, val body: ByteArray) : Head
    class Streamed(override val status: Int, override val headers: List<Pair<String, String>>) : Head {
        val chunks = Channel<ByteArray>(CHUNK_BUFFER)
    }
    class File(override val status: Int, override val headers: List<Pair<String, String>>, val path: Path) : Head

    val head = CompletableDeferred<Head>()

    /**
     * The request is in flight until both its holders are done with it: the Ktor call (once the
     * response is written or abandoned) and the handler's coroutine (once it ends).
     */
    private val holders = AtomicInteger(2)

    // Written by the handler's coroutine only, before head completes.
    var status = 200
    val headers = ArrayList<Pair<String, String>>()

    private val ended = AtomicBoolean(false)

    /** One holder is done with the request; true for the last one, which ends its in-flight count. */
    fun release(): Boolean = holders.decrementAndGet() == 0

    @Volatile
    var aborted = false
        private set

    val isEnded: Boolean get() = ended.get()

    fun checkNotCommitted(what: String) {
        check(!head.isCompleted) {
            "$what after the response headers were sent (by write, end, redirect or sendfile); set status, headers and cookies first"
        }
    }

    private fun frozenHeaders(): List<Pair<String, String>> = ArrayList(headers)

    /** The chunk channel if the head was published as streamed, else null. */
    private fun streamedChunks(): Channel<ByteArray>? =
        if (head.isCompleted) (head.getCompleted() as? Streamed)?.chunks else null

    /** Publishes the head as "streamed", if not done yet. False if the response already ended. */
    private fun commitStreamed(): Boolean {
        if (ended.get()) return false
        if (!head.isCompleted) head.complete(Streamed(status, frozenHeaders()))
        return head.getCompleted() is Streamed
    }

    /** Queues one chunk, suspending while the buffer is full. False if the response ended or the client went away. */
    suspend fun write(chunk: ByteArray): Boolean {
        if (!commitStreamed()) return false
        if (chunk.isEmpty()) return !aborted
        return try {
            streamedChunks()!!.send(chunk)
            true
        } catch (_: ClosedSendChannelException) {
            false
        } catch (e: kotlinx.coroutines.CancellationException) {
            if (aborted) false else throw e
        }
    }

    /**
     * Ends a response that has not started yet with [body] as its whole body, without
     * suspending. Null if the head was already published (streamed, or ended).
     */
    fun endWhole(body: ByteArray): Boolean? {
        if (head.isCompleted) return if (head.getCompleted() is Streamed && !ended.get()) null else false
        if (!ended.compareAndSet(false, true)) return false
        head.complete(Full(status, frozenHeaders(), body))
        return !aborted
    }

    /** Ends the response: the whole body if nothing was streamed yet, else the last chunk. False if already ended. */
    suspend fun end(body: ByteArray): Boolean {
        endWhole(body)?.let { return it }
        if (head.isCompleted && head.getCompleted() is Streamed && !ended.get()) {
            val ok = body.isEmpty() || write(body)
            if (ended.compareAndSet(false, true)) streamedChunks()!!.close()
            return ok && !aborted
        }
        return false
    }

    fun sendFile(path: Path): Boolean {
        if (head.isCompleted || !ended.compareAndSet(false, true)) return false
        head.complete(File(status, frozenHeaders(), path))
        return !aborted
    }

    /**
     * The handler's coroutine ended normally: end the response with whatever it holds.
     *
     * The head is tested before it is completed, here and in [fail], because a handler that
     * returns without ending its response usually does so after [abort] (its client left, its
     * wait was cancelled). `complete` on a completed deferred takes a branch C2 had compiled as
     * never taken: under load every such return deoptimised the handler path it was inlined
     * into (174 deoptimisations in one seed 001 load run, JFR `jdk.Deoptimization`).
     */
    fun finishFromHandler() {
        if (ended.compareAndSet(false, true)) {
            if (head.isCompleted || !head.complete(Full(status, frozenHeaders(), EMPTY))) streamedChunks()?.close()
        }
    }

    /** The handler failed: 500 if nothing was sent, else close the stream with [cause] (the connection is aborted). */
    fun fail(cause: Throwable) {
        if (ended.compareAndSet(false, true)) {
            val body = "Internal Server Error\n".toByteArray()
            if (head.isCompleted || !head.complete(Full(500, listOf("Content-Type" to "text/plain; charset=utf-8"), body))) {
                streamedChunks()?.close(cause)
            }
        }
    }

    /** The client went away or the server gave up on the call: writes fail from now on. */
    fun abort() {
        aborted = true
        head.complete(Full(499, emptyList(), EMPTY))
        streamedChunks()?.cancel()
    }

    companion object {
        const val CHUNK_BUFFER = 16
        val EMPTY = ByteArray(0)
    }
}
