package dev.corun.internal

import kotlinx.coroutines.AbstractCoroutine
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.ThreadContextElement
import kotlin.coroutines.Continuation
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.intrinsics.createCoroutineUnintercepted
import kotlin.coroutines.resume

/**
 * The record of a Kotlin coroutine, which is also the context element that publishes it on the
 * thread running the coroutine, so `Co.getCid()` and `Co.getContext()` answer inside it across
 * suspensions and carrier changes. It has a key of its own, so the scopes the coroutine opens
 * (`coroutineScope`, `withTimeout`, `launch`, `withContext`, ...) inherit it with the rest of
 * the context; an element keyed as the coroutine's `Job` would be replaced by their job and lost.
 */
public class KotlinCoroutine(cid: Long, pcid: Long, run: Run?) : Coroutine(cid, pcid, run), ThreadContextElement<Any?> {
    public companion object Key : CoroutineContext.Key<KotlinCoroutine>

    override val key: CoroutineContext.Key<*> get() = Key

    override fun updateThreadContext(context: CoroutineContext): Any? = enterKotlin(this)

    override fun restoreThreadContext(context: CoroutineContext, oldState: Any?) {
        exitKotlin(oldState)
    }

    /**
     * Makes a cancellation of this coroutine's [job] complete [w], a wait of its own strand
     * (the caller checked `job === job()`), with CANCELED.
     *
     * No handler is registered on the job for a wait (a node and two CASes on the job per
     * suspension): whatever wait is in [waiter] when the cancellation comes is cancelled by the
     * job itself, [GoCoroutine.onCancelling] (every record is bound to a [GoCoroutine]). [w] is
     * published there before the job's state is read, and the canceller changes that state
     * before it cancels the wait in [waiter], so one of the two sees the other; the waiter's
     * claim decides if both act.
     */
    public fun listenForCancellation(job: Job, w: Waiter) {
        waiter = w
        if (job.isCancelled) w.cancelWait()
    }
}

/**
 * The context of a corun Kotlin coroutine: its [dispatcher], its [record] and its [job], in one
 * object. `dispatcher + record + job` would be two `CombinedContext` nodes (48 bytes kept by every
 * suspended coroutine, and two folds on every start); this is one of 24 bytes that answers every
 * lookup as `CombinedContext(CombinedContext(record, job), dispatcher)` does.
 *
 * It is a context, never an element: [fold] hands out the three elements themselves, so a context
 * derived from it (`launch`, `coroutineScope`, `withContext`, ...) is an ordinary combination of
 * the same elements, and the record is found there as an element of its own.
 *
 * It is created unbound, as the parent context of its job, whose constructor then adds itself
 * (`parentContext + this`): that addition binds [job] and returns this context. Nothing else sees
 * it unbound.
 */
internal class GoContext(
    @JvmField val record: KotlinCoroutine,
    @JvmField val dispatcher: CoroutineDispatcher,
) : CoroutineContext {
    /** The coroutine's job; set once, by its constructor (see [plus]). */
    @JvmField
    var job: GoCoroutine<*>? = null

    @Suppress("UNCHECKED_CAST")
    override fun <E : CoroutineContext.Element> get(key: CoroutineContext.Key<E>): E? = when {
        key === Job -> job as E
        key === ContinuationInterceptor -> dispatcher as E
        key === KotlinCoroutine -> record as E
        else -> dispatcher[key] ?: job!![key] ?: record[key] // polymorphic keys (CoroutineDispatcher), misses
    }

    override fun <R> fold(initial: R, operation: (R, CoroutineContext.Element) -> R): R =
        operation(operation(operation(initial, record), job!!), dispatcher)

    override fun minusKey(key: CoroutineContext.Key<*>): CoroutineContext {
        val job = job!!
        val r = record.minusKey(key)
        val j = job.minusKey(key)
        val d = dispatcher.minusKey(key)
        return if (r === record && j === job && d === dispatcher) this else r + j + d
    }

    override fun plus(context: CoroutineContext): CoroutineContext {
        if (job == null && context is GoCoroutine<*>) {
            job = context
            return this
        }
        return super.plus(context)
    }

    override fun toString(): String = "[$record, $job, $dispatcher]"
}

/**
 * A Kotlin coroutine started by `go { }`: a kotlinx job whose completion ends its corun
 * [record]; its context is a [GoContext] of the corun dispatcher, the record and this job.
 *
 * It is not a child of the job it was started from (Swoole's and Go's model, not structured
 * concurrency): its failure never cancels another coroutine; `corun` waits for it through the
 * run's count instead.
 */
@OptIn(InternalCoroutinesApi::class)
public open class GoCoroutine<T>(
    record: KotlinCoroutine,
    dispatcher: CoroutineDispatcher,
) : AbstractCoroutine<T>(GoContext(record, dispatcher), initParentJob = false, active = true) {

    /** The corun record, kept by the context rather than by a field of its own (8 bytes per coroutine). */
    public val record: KotlinCoroutine get() = (context as GoContext).record

    override fun onCompleted(value: T) {
        record.finish(null)
    }

    override fun onCancelled(cause: Throwable, handled: Boolean) {
        record.finish(if (cause is CancellationException) null else cause)
    }

    /**
     * The job has started cancelling (its state says so already): cancels the corun wait its
     * own strand is in, if any ([KotlinCoroutine.listenForCancellation]).
     */
    override fun onCancelling(cause: Throwable?) {
        if (cause != null) record.waiter?.cancelWait()
    }

    /** Failures are reported by the record's finish, with the coroutine id; kotlinx must not report them again. */
    override fun handleJobException(exception: Throwable): Boolean = true
}

/**
 * Starts [block] as the go-coroutine of [record] on the corun scheduler: binds the record (so
 * `Co.exists`, `list` and `cancel` see it) and spawns it. With [undispatched], the first run
 * happens at once on the calling thread, up to the block's first suspension (kotlinx's
 * `CoroutineStart.UNDISPATCHED`); it resumes on the scheduler after. `go { }` and the servers'
 * Kotlin handlers start their coroutines here.
 */
public fun startGo(
    record: KotlinCoroutine,
    undispatched: Boolean = false,
    block: suspend CoroutineScope.() -> Unit,
): GoCoroutine<Unit> {
    val rt = CorunRuntime.get()
    val scheduler = rt.scheduler()
    val co = GoCoroutine<Unit>(record, scheduler)
    rt.bindKotlin(record, co)
    if (undispatched) FirstRun(block.createCoroutineUnintercepted(co, co)).run() else co.spawn(scheduler, block)
    return co
}

/** Queues the first run of [block] as this coroutine's body on [scheduler]: an atomic start (see [FirstRun]). */
internal fun <T> GoCoroutine<T>.spawn(scheduler: Scheduler, block: suspend CoroutineScope.() -> T) {
    scheduler.spawnTask(FirstRun(block.createCoroutineUnintercepted(this, this)))
}

/**
 * The first run of a go-coroutine's body, queued as a scheduler task of its own: what
 * `CoroutineStart.ATOMIC` does through a `DispatchedContinuation`, without one. The body is
 * resumed directly with the record published on the thread, as a dispatched resumption would
 * publish it ([KotlinCoroutine.updateThreadContext]); its suspensions create the intercepted
 * continuation as usual when they need it, so a coroutine that never suspends never has one.
 * Like an atomic start, it runs even if the coroutine was cancelled before it ran (the body
 * then sees the cancellation at its first suspension).
 */
private class FirstRun(private val body: Continuation<Unit>) : Runnable {
    override fun run() {
        val record = (body.context as GoContext).record
        val previous = Coroutine.enterKotlin(record)
        try {
            body.resume(Unit)
        } finally {
            Coroutine.exitKotlin(previous)
        }
    }
}

/** The main coroutine of `corun { }`: a [GoCoroutine] that keeps the block's value for the caller. */
public class MainCoroutine<T>(record: KotlinCoroutine, dispatcher: CoroutineDispatcher) : GoCoroutine<T>(record, dispatcher) {
    @Volatile
    private var outcome: Any? = null

    /**
     * The value the block returned; read after the run ended. Throws the cancellation if the
     * coroutine was cancelled (`Co.cancel`): there is no value then.
     */
    @Suppress("UNCHECKED_CAST")
    public fun result(): T {
        (outcome as? CancellationException)?.let { throw it }
        return outcome as T
    }

    override fun onCompleted(value: T) {
        outcome = value
        super.onCompleted(value)
    }

    override fun onCancelled(cause: Throwable, handled: Boolean) {
        if (cause is CancellationException) outcome = cause
        super.onCancelled(cause, handled)
    }
}
