package dev.corun.internal

import dev.corun.Status
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlin.coroutines.coroutineContext

/**
 * The [Waiter] of a suspended Kotlin coroutine: completing it resumes the continuation with
 * the [Status] (through the corun dispatcher, so a coroutine woken from a carrier runs next on
 * that carrier). Cancelling the coroutine completes it with [Status.CANCELED] first, so the
 * primitive it waited on forgets it and hands nothing to it.
 */
public class ContinuationWaiter(
    owner: Coroutine?,
    blocker: String,
    private val cont: CancellableContinuation<Status>,
) : Waiter(owner, blocker) {

    override fun wake() {
        cont.resume(result()) { _, _, _ -> }
    }

    override fun suspendedStack(): Array<StackTraceElement> = Coroutine.continuationStack(cont)

    public companion object {
        /**
         * Suspends until the waiter that [register] hands to a primitive is completed.
         * [register] runs before suspending and returns what to undo if the wait is
         * cancelled; with [indefinite], the wait counts for deadlock detection.
         */
        public suspend inline fun await(
            blocker: String,
            indefinite: Boolean,
            crossinline register: (Waiter) -> Runnable?,
        ): Status {
            val owner = currentRecord()
            return suspendCancellableCoroutine { cont ->
                val w = ContinuationWaiter(owner, blocker, cont)
                val undo = register(w)
                if (indefinite) w.beginIndefiniteWait()
                cont.invokeOnCancellation {
                    if (w.complete(Status.CANCELED, null)) undo?.run()
                }
            }
        }

        /** The corun record of the calling Kotlin coroutine, or null. */
        public suspend fun currentRecord(): Coroutine? =
            (coroutineContext[kotlinx.coroutines.Job] as? GoCoroutine<*>)?.record ?: Coroutine.current()
    }
}
