package dev.corun.internal

import dev.corun.Status
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.DisposableHandle
import kotlinx.coroutines.Job
import kotlinx.coroutines.ensureActive
import kotlin.coroutines.Continuation
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.resume
import kotlin.coroutines.suspendCoroutine
import kotlinx.coroutines.InternalCoroutinesApi
import kotlin.coroutines.coroutineContext

/**
 * The [Waiter] of a suspended Kotlin coroutine: completing it resumes the continuation with the
 * [Status] (through the corun dispatcher, so a coroutine woken from a carrier runs next on that
 * carrier).
 *
 * The suspension is not kotlinx's prompt-cancellation kind: cancelling the coroutine is one
 * more way to complete the waiter (with [Status.CANCELED], through the same claim as an event or
 * a timeout), and [suspendIn] then throws the cancellation. So a wait that was completed by an
 * event always returns what it got, even if its coroutine is cancelled a moment later (the
 * cancellation shows at its next suspension); nothing handed over can be lost, and nothing is
 * handed to a coroutine whose cancellation came first (Lincheck found that race in the
 * prompt-cancellation version).
 */
public class ContinuationWaiter(
    owner: Coroutine?,
    blocker: String,
    private val cont: Continuation<Status>,
) : Waiter(owner, blocker) {

    /** What takes this waiter out of its primitive after a timeout or cancellation; set once registered. */
    @Volatile
    @PublishedApi
    internal var undo: Runnable? = null

    override fun leave() {
        undo?.run()
    }

    override fun wake() {
        cont.resume(result())
    }

    override fun suspendedStack(): Array<StackTraceElement> = Coroutine.continuationStack(cont)

    public companion object {
        /**
         * Suspends the calling coroutine in a corun primitive and returns its waiter, completed
         * with OK, CLOSED or TIMEOUT; throws the coroutine's cancellation if it was cancelled
         * before anything else completed the wait. [register] hands the waiter to the primitive
         * (which may complete it at once) and returns what to undo if the wait ends without the
         * primitive (timeout, cancellation). [timeoutNanos] < 0 waits with no timeout and counts
         * for deadlock detection; otherwise the waiter times itself out ([Waiter.timeoutAfter]).
         */
        @OptIn(InternalCoroutinesApi::class)
        public suspend inline fun suspendIn(
            blocker: String,
            timeoutNanos: Long,
            crossinline register: (Waiter) -> Runnable?,
        ): Waiter {
            val context = coroutineContext
            val job = context[Job]
            job?.ensureActive()
            val owner = recordOf(context)
            val countable = timeoutNanos < 0 && isOwnStrand(owner, context)
            var waiter: Waiter? = null
            var onCancel: DisposableHandle? = null
            val status = try {
                suspendCoroutine { cont ->
                    val w = ContinuationWaiter(owner, blocker, cont)
                    waiter = w
                    val undo = register(w)
                    w.undo = undo
                    if (timeoutNanos >= 0) w.timeoutAfter(timeoutNanos, undo) else if (countable) w.beginIndefiniteWait()
                    if (job != null && !w.isCompleted) onCancel = cancelWhenCancelled(owner, job, w)
                }
            } finally {
                onCancel?.dispose()
                waiter?.cancelTimeout()
            }
            if (status == Status.CANCELED) {
                job?.ensureActive()
                throw CancellationException("$blocker was cancelled")
            }
            return waiter!!
        }

        /**
         * Makes a cancellation of [job] complete [w] with CANCELED ([Waiter.cancelWait]). A wait
         * of the corun coroutine's own strand uses its record's one hook
         * ([KotlinCoroutine.listenForCancellation]) and returns null; any other wait gets a
         * handler of its own, returned for disposal once the wait is over.
         */
        @OptIn(InternalCoroutinesApi::class)
        public fun cancelWhenCancelled(owner: Coroutine?, job: Job, w: Waiter): DisposableHandle? {
            if (owner is KotlinCoroutine && job === owner.job()) {
                owner.listenForCancellation(job, w)
                return null
            }
            return job.invokeOnCompletion(onCancelling = true, invokeImmediately = true) { w.cancelWait() }
        }

        /** The corun record of the Kotlin coroutine with this context, or of the calling code, or null. */
        public fun recordOf(context: CoroutineContext): Coroutine? = context[KotlinCoroutine] ?: Coroutine.current()

        /**
         * Whether a wait here is the corun coroutine's own (in its job, not in a kotlinx child),
         * so the run's deadlock check may count it. A `launch` child or a `coroutineScope` block
         * shares its parent's record; counting their waits as the record's would count one
         * coroutine as asleep while another strand of it still runs, so they are not counted (a
         * deadlock there goes unreported rather than misreported). The own strand's wait is
         * counted even while children exist; the deadlock check looks for children before it
         * reports (looking here, on every wait, cost more than the rest of the wait).
         */
        public fun isOwnStrand(owner: Coroutine?, context: CoroutineContext): Boolean = isOwnStrand(owner, context[Job])

        /**
         * The record of the corun coroutine running on this thread if [context] is its job's own
         * context, i.e. a wait of its own strand ([isOwnStrand]), found without searching the
         * context; otherwise null, and the caller looks the record and the job up in the context.
         * Every frame of a coroutine's own strand shares its job's context object; a `launch`
         * child or a scope block has a context of its own.
         */
        public fun ownStrandRecord(context: CoroutineContext): KotlinCoroutine? {
            val co = Coroutine.current() as? KotlinCoroutine ?: return null
            val job = co.job() as? CoroutineScope ?: return null
            return if (job.coroutineContext === context) co else null
        }

        /** The job of a record returned by [ownStrandRecord]. */
        public fun jobOf(record: KotlinCoroutine): Job? = record.job()

        /** [isOwnStrand] for a wait whose context's [Job] the caller has looked up already. */
        public fun isOwnStrand(owner: Coroutine?, job: Job?): Boolean = owner !is KotlinCoroutine || (job != null && job === owner.job())
    }
}

/** A corun timeout for [ContinuationWaiter.suspendIn], in nanoseconds: null or negative means none (-1). */
public fun kotlin.time.Duration?.toNanosOrForever(): Long = if (this == null || isNegative()) -1 else inWholeNanoseconds
