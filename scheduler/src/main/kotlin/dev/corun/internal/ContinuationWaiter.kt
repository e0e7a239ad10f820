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
    private val onUndelivered: ((Any?) -> Unit)?,
) : Waiter(owner, blocker) {

    override fun wake() {
        val status = result()
        cont.resume(status) { _, _, _ -> if (status == Status.OK) onUndelivered?.invoke(value()) }
    }

    override fun suspendedStack(): Array<StackTraceElement> = Coroutine.continuationStack(cont)

    public companion object {
        /**
         * Suspends the calling coroutine in a corun primitive and returns its waiter, completed.
         * [register] hands the waiter to the primitive (which may complete it at once) and returns
         * what to undo if the wait is cancelled. With [indefinite], the wait counts for deadlock
         * detection. [onUndelivered] receives a value handed over with OK to a coroutine that was
         * cancelled before it could resume, so the primitive can take it back.
         */
        public suspend inline fun suspendIn(
            blocker: String,
            indefinite: Boolean,
            noinline onUndelivered: ((Any?) -> Unit)?,
            crossinline register: (Waiter) -> Runnable?,
        ): Waiter {
            val owner = currentRecord()
            var waiter: Waiter? = null
            suspendCancellableCoroutine { cont ->
                val w = ContinuationWaiter(owner, blocker, cont, onUndelivered)
                waiter = w
                val undo = register(w)
                if (indefinite) w.beginIndefiniteWait() else w.showInBackTrace()
                cont.invokeOnCancellation {
                    if (w.complete(Status.CANCELED, null)) undo?.run()
                }
            }
            return waiter!!
        }

        /** The corun record of the calling Kotlin coroutine, or null. */
        public suspend fun currentRecord(): Coroutine? =
            coroutineContext[KotlinCoroutine] ?: Coroutine.current()
    }
}
