package dev.corun.channels

import dev.corun.Status
import dev.corun.internal.ContinuationWaiter
import dev.corun.internal.toNanosOrForever
import dev.corun.internal.Waiter
import kotlin.time.Duration

/**
 * Waits on several channel operations at once and performs exactly one (Go's `select`): the
 * suspend form of [Select] for Kotlin coroutines. Clauses are tried in order, so an earlier
 * clause wins when several are ready; [SelectBuilder.onTimeout] ends the wait when no clause
 * fired in time (`Duration.ZERO`: Go's `default`).
 *
 * ```
 * val text = select<String> {
 *     results.onReceive { "result $it" }
 *     errors.onReceiveCatching { r -> if (r.isOk) "error ${r.value()}" else "errors closed" }
 *     log.onSend("waiting") { "logged" }
 *     onTimeout(1.seconds) { "timed out" }
 * }
 * ```
 *
 * This is corun's own `select` for corun channels, not kotlinx's `kotlinx.coroutines.selects.select`.
 */
public suspend fun <R> select(build: SelectBuilder<R>.() -> Unit): R = SelectBuilder<R>().apply(build).run()

/** The clauses of a [select]. */
public class SelectBuilder<R> internal constructor() {
    private val select = Select()
    private val handlers = ArrayList<suspend (Select.Fired) -> R>()
    private var timeout: Duration? = null
    private var onTimeout: (suspend () -> R)? = null

    /** Receives an element; throws [ChannelClosedException] if this clause fires on a closed, drained channel. */
    @Suppress("UNCHECKED_CAST")
    public fun <T : Any> Channel<T>.onReceive(block: suspend (T) -> R) {
        select.receive(this)
        handlers += { f ->
            if (f.status() == Status.CLOSED) throw ChannelClosedException("select: onReceive on a closed, drained channel")
            block(f.value() as T)
        }
    }

    /** Receives an element, or the closed result once the channel is closed and drained. */
    @Suppress("UNCHECKED_CAST")
    public fun <T : Any> Channel<T>.onReceiveCatching(block: suspend (Channel.Result<T>) -> R) {
        select.receive(this)
        handlers += { f -> block(if (f.status() == Status.OK) Channel.Result.ok(f.value() as T) else Channel.Result.closed()) }
    }

    /** Sends [element]; throws [ChannelClosedException] if this clause fires on a closed channel. */
    public fun <T : Any> Channel<T>.onSend(element: T, block: suspend () -> R) {
        select.send(this, element)
        handlers += { f ->
            if (f.status() == Status.CLOSED) throw ChannelClosedException("select: onSend on a closed channel")
            block()
        }
    }

    /** Ends the select with [block] if no clause fired within [timeout]. At most one per select. */
    public fun onTimeout(timeout: Duration, block: suspend () -> R) {
        check(onTimeout == null) { "select allows one onTimeout clause" }
        this.timeout = timeout
        this.onTimeout = block
    }

    internal suspend fun run(): R {
        check(handlers.isNotEmpty()) { "select needs at least one channel clause" }
        val polled = poll()
        if (polled != null) return handlers[polled.index()](polled)
        val t = timeout
        val fired = if (t != null && (t.isNegative() || t == Duration.ZERO)) null else suspendSelect(t.toNanosOrForever())
        return if (fired != null && fired.index() >= 0) handlers[fired.index()](fired) else onTimeout!!()
    }

    /** One pass over the clauses without waiting: the clause that fired, or null. */
    private fun poll(): Select.Fired? {
        val probe = object : Waiter(null, "select") {
            override fun wake() {}
        }
        val reg = select.register(probe, false)
        probe.complete(Status.TIMEOUT, null)
        return select.finish(probe, reg.queued()).takeIf { it.index() >= 0 }
    }

    private suspend fun suspendSelect(timeoutNanos: Long): Select.Fired {
        var clauses: Array<Select.Clause?> = emptyArray()
        val main = ContinuationWaiter.suspendIn("select { }", timeoutNanos) { w ->
            val reg = select.register(w, true)
            clauses = reg.queued()
            if (reg.firedNow()) w.wake() // completed here, by this coroutine: nobody else will wake it
            Runnable { select.finish(w, clauses) }
        }
        return select.finish(main, clauses) // index -1 when it timed out
    }
}
