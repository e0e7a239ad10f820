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
         * what to undo if the wait ends without the primitive (timeout, cancellation).
         * [timeoutNanos] < 0 waits with no timeout and counts for deadlock detection; otherwise
         * the waiter times itself out (see [Waiter.timeoutAfter]). [onUndelivered] receives a
         * value handed over with OK to a coroutine that was cancelled before it could resume, so
         * the primitive can take it back.
         */
        public suspend inline fun suspendIn(
            blocker: String,
            timeoutNanos: Long,
            noinline onUndelivered: ((Any?) -> Unit)?,
            crossinline register: (Waiter) -> Runnable?,
        ): Waiter {
            val owner = currentRecord()
            val countable = timeoutNanos < 0 && isOwnStrand(owner)
            var waiter: Waiter? = null
            try {
                suspendCancellableCoroutine { cont ->
                    val w = ContinuationWaiter(owner, blocker, cont, onUndelivered)
                    waiter = w
                    val undo = register(w)
                    if (timeoutNanos >= 0) w.timeoutAfter(timeoutNanos, undo) else if (countable) w.beginIndefiniteWait()
                    cont.invokeOnCancellation {
                        if (w.complete(Status.CANCELED, null)) undo?.run()
                    }
                }
            } finally {
                waiter?.cancelTimeout()
            }
            return waiter!!
        }

        /** The corun record of the calling Kotlin coroutine, or null. */
        public suspend fun currentRecord(): Coroutine? =
            coroutineContext[KotlinCoroutine] ?: Coroutine.current()

        /**
         * Whether a wait here is the corun coroutine's own (its job, with no kotlinx children
         * running beside it), so the run's deadlock check may count it. A `launch` child or a
         * `coroutineScope` block shares its parent's record; counting their waits as the
         * record's would count one coroutine as asleep while another strand of it still runs,
         * so they are not counted (a deadlock there goes unreported rather than misreported).
         */
        public suspend fun isOwnStrand(owner: Coroutine?): Boolean {
            if (owner !is KotlinCoroutine) return true
            val job = coroutineContext[kotlinx.coroutines.Job] ?: return false
            return job === owner.job() && job.children.none()
        }
    }
}
