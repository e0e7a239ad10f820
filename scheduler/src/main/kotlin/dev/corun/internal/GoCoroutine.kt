package dev.corun.internal

import kotlinx.coroutines.AbstractCoroutine
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.ThreadContextElement
import kotlin.coroutines.CoroutineContext

/**
 * A Kotlin coroutine started by `go { }` or `corun { }`: a kotlinx job whose completion ends
 * its corun [Coroutine] record, and the context element that publishes that record on the
 * thread running it (so `Co.getCid()` and `Co.getContext()` answer inside it, across
 * suspensions and carrier changes).
 *
 * It is not a child of the job it was started from (Swoole's and Go's model, not structured
 * concurrency): its failure never cancels another coroutine; `corun` waits for it through the
 * run's count instead. One object is the job, the scope and the thread-context element, to keep
 * a parked coroutine small.
 */
@OptIn(InternalCoroutinesApi::class)
public class GoCoroutine<T>(
    public val record: Coroutine,
    parentContext: CoroutineContext,
) : AbstractCoroutine<T>(parentContext, initParentJob = false, active = true), ThreadContextElement<Any?> {

    @Volatile
    private var result: Any? = null

    /** The value the body returned; read after the run ended. */
    @Suppress("UNCHECKED_CAST")
    public fun result(): T = result as T

    override fun updateThreadContext(context: CoroutineContext): Any? = Coroutine.enterKotlin(record)

    override fun restoreThreadContext(context: CoroutineContext, oldState: Any?) {
        Coroutine.exitKotlin(oldState)
    }

    override fun onCompleted(value: T) {
        result = value
        record.finish(null)
    }

    override fun onCancelled(cause: Throwable, handled: Boolean) {
        record.finish(if (cause is CancellationException) null else cause)
    }

    /** Failures are reported by the record's finish, with the coroutine id; kotlinx must not report them again. */
    override fun handleJobException(exception: Throwable): Boolean = true
}
