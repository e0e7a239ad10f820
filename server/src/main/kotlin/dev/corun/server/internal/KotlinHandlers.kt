package dev.corun.server.internal

import dev.corun.internal.CorunRuntime
import kotlinx.coroutines.suspendCancellableCoroutine
import java.util.concurrent.CompletableFuture
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException

/**
 * How the TCP server's suspend API waits for blocking socket work. (Its Kotlin handlers start
 * through [HandlerCoroutines.goKotlin].)
 */
public object KotlinHandlers {

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
