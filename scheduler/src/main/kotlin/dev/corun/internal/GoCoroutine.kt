package dev.corun.internal

import kotlinx.coroutines.AbstractCoroutine
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.ThreadContextElement
import kotlin.coroutines.CoroutineContext

/**
 * The context element that publishes a Kotlin coroutine's corun [Coroutine] record on the
 * thread running it, so `Co.getCid()` and `Co.getContext()` answer inside it across
 * suspensions and carrier changes. It has a key of its own, so the scopes the coroutine opens
 * (`coroutineScope`, `withTimeout`, `launch`, ...) inherit it with the rest of the context; an
 * element keyed as the [kotlinx.coroutines.Job] would be replaced by their job and lost.
 */
public class CorunElement(public val record: Coroutine) : ThreadContextElement<Any?> {
    public companion object Key : CoroutineContext.Key<CorunElement>

    override val key: CoroutineContext.Key<*> get() = Key

    override fun updateThreadContext(context: CoroutineContext): Any? = Coroutine.enterKotlin(record)

    override fun restoreThreadContext(context: CoroutineContext, oldState: Any?) {
        Coroutine.exitKotlin(oldState)
    }
}

/**
 * A Kotlin coroutine started by `go { }` or `corun { }`: a kotlinx job whose completion ends its
 * corun [Coroutine] record; its context is the corun dispatcher and the record's [CorunElement].
 *
 * It is not a child of the job it was started from (Swoole's and Go's model, not structured
 * concurrency): its failure never cancels another coroutine; `corun` waits for it through the
 * run's count instead.
 */
@OptIn(InternalCoroutinesApi::class)
public class GoCoroutine<T>(
    public val record: Coroutine,
    dispatcher: CoroutineContext,
) : AbstractCoroutine<T>(dispatcher + CorunElement(record), initParentJob = false, active = true) {

    @Volatile
    private var result: Any? = null

    @Volatile
    private var cancelled: CancellationException? = null

    /**
     * The value the body returned; read after the run ended. Throws the cancellation if the
     * coroutine was cancelled (`Co.cancel`, `CoJob.cancel`): there is no value then.
     */
    @Suppress("UNCHECKED_CAST")
    public fun result(): T {
        cancelled?.let { throw it }
        return result as T
    }

    override fun onCompleted(value: T) {
        result = value
        record.finish(null)
    }

    override fun onCancelled(cause: Throwable, handled: Boolean) {
        if (cause is CancellationException) cancelled = cause
        record.finish(if (cause is CancellationException) null else cause)
    }

    /** Failures are reported by the record's finish, with the coroutine id; kotlinx must not report them again. */
    override fun handleJobException(exception: Throwable): Boolean = true
}
