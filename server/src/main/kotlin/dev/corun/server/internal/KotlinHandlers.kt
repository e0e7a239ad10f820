package dev.corun.server.internal

import dev.corun.internal.Coroutine
import dev.corun.internal.CorunRuntime
import dev.corun.internal.GoCoroutine
import dev.corun.internal.KotlinCoroutine
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.suspendCancellableCoroutine
import java.util.concurrent.CompletableFuture
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException

/**
 * How the TCP server starts a Kotlin (suspend) handler as a corun coroutine of its own, and how
 * its suspend API waits for blocking socket work.
 *
 * A handler's record is made ([record]) and then started ([start]) exactly once; a finish
 * handler's record is made when the result arrives, with the coroutine that dispatched the
 * task as its parent.
 */
public object KotlinHandlers {

    /** A server-handler record whose parent is [parent] (null: none). */
    @JvmStatic
    public fun record(parent: Coroutine?, name: String): KotlinCoroutine =
        CorunRuntime.get().newKotlin(parent, name).also { it.markServerHandler() }

    /** Starts [block] as the coroutine of [record] on the corun dispatcher. */
    @JvmStatic
    public fun start(record: KotlinCoroutine, block: suspend CoroutineScope.() -> Unit) {
        val rt = CorunRuntime.get()
        val scheduler = rt.scheduler()
        val co = GoCoroutine<Unit>(record, scheduler)
        rt.bindKotlin(record, co)
        scheduler.spawn { co.start(CoroutineStart.ATOMIC, co, block) }
    }

    /**
     * Runs blocking socket code on a Java coroutine (a virtual thread on corun's scheduler, where
     * blocking parks it cheaply) and suspends the caller until it returns. Cancelling the caller
     * stops the wait, not the blocking call.
     */
    public suspend fun <T> onJavaCoroutine(name: String, block: () -> T): T {
        val f = CompletableFuture<T>()
        CorunRuntime.get().go(name) {
            try {
                f.complete(block())
            } catch (t: Throwable) {
                f.completeExceptionally(t)
            }
        }
        return f.awaitKeeping()
    }
}

/**
 * Suspends until this future completes. Unlike kotlinx's `await`, cancelling the caller does not
 * cancel the future: other waiters of a task's result must still get it.
 */
public suspend fun <T> CompletableFuture<T>.awaitKeeping(): T {
    if (isDone) {
        return try {
            join()
        } catch (e: java.util.concurrent.CompletionException) {
            throw e.cause ?: e
        }
    }
    return suspendCancellableCoroutine { cont ->
        whenComplete { v, e ->
            if (e == null) {
                cont.resume(v)
            } else {
                cont.resumeWithException((e as? java.util.concurrent.CompletionException)?.cause ?: e)
            }
        }
    }
}
