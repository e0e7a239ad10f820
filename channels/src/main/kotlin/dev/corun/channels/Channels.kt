@file:JvmName("Channels")

package dev.corun.channels

import dev.corun.CoJob
import dev.corun.Status
import dev.corun.go
import dev.corun.internal.ContinuationWaiter
import dev.corun.internal.toNanosOrForever
import dev.corun.internal.Coroutine
import dev.corun.internal.Preemption
import dev.corun.internal.Waiter
import kotlinx.coroutines.DisposableHandle
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.Job
import kotlin.coroutines.Continuation
import kotlin.coroutines.intrinsics.COROUTINE_SUSPENDED
import kotlin.coroutines.intrinsics.intercepted
import kotlin.coroutines.intrinsics.suspendCoroutineUninterceptedOrReturn
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.isActive
import kotlinx.coroutines.yield
import kotlin.time.Duration
import kotlin.time.toKotlinDuration

/**
 * Sends [element], suspending while the channel is full (on a rendezvous channel: until a
 * receiver takes it). Throws [ChannelClosedException] if the channel is closed. As with
 * kotlinx's `send`, a send cancelled while suspended may already have delivered its element.
 *
 * ```
 * val ch = Channel<Int>(0)
 * go { ch.send(42) }
 * println(ch.receive())
 * ```
 */
public suspend fun <T : Any> Channel<T>.send(element: T) {
    if (Preemption.takeMarkOnCarrier()) return sendAfterYield(element)
    // The ready case allocates nothing; the wait is a tail call, so it suspends with the caller's
    // own continuation (and its cached dispatched form) instead of a state machine per call.
    // A look without the lock skips the try when the send would have to wait (the wait tries once more).
    if (!looksFull()) {
        val fast = send(element, null)
        if (fast === Status.OK) return
        if (fast === Status.CLOSED) throw ChannelClosedException("send on a closed channel")
    }
    return awaitSend<Unit>(element)
}

/** Sends [element], waiting at most [timeout] (`null` or negative: forever): OK, TIMEOUT or CLOSED. */
public suspend fun <T : Any> Channel<T>.send(element: T, timeout: Duration?): Status = sendSuspending(element, timeout)

/** [send] with a `java.time.Duration` timeout. */
public suspend fun <T : Any> Channel<T>.send(element: T, timeout: java.time.Duration?): Status =
    sendSuspending(element, timeout?.toKotlinDuration())

/**
 * Receives the oldest element, suspending while the channel is empty; throws
 * [ChannelClosedException] once it is closed and drained. For a time limit use
 * `receive(timeout)`: wrapping this in kotlinx's `withTimeoutOrNull` can drop an element that
 * arrives as the time runs out.
 */
@Suppress("UNCHECKED_CAST")
public suspend fun <T : Any> Channel<T>.receive(): T {
    if (Preemption.takeMarkOnCarrier()) return receiveAfterYield()
    if (!looksEmpty()) {
        val fast = receive(null)
        if (fast === Channel.CLOSED) throw ChannelClosedException("receive on a closed, drained channel")
        if (fast !== Channel.EMPTY) return fast as T
    }
    return awaitReceive()
}

/** Receives the oldest element, or a result saying the channel is closed and drained. */
@Suppress("UNCHECKED_CAST")
public suspend fun <T : Any> Channel<T>.receiveCatching(): Channel.Result<T> {
    if (Preemption.takeMarkOnCarrier()) return receiveCatchingAfterYield()
    val fast = receive(null)
    if (fast === Channel.EMPTY) return receiveSuspending(null)
    return if (fast === Channel.CLOSED) Channel.Result.closed() else Channel.Result.ok(fast as T)
}

// Every send and receive is a yield point (see Preemption): the monitor may ask the coroutine to
// yield, so that the coroutines it woke run, or because its time slice ran out. Separate
// functions keep the yield's state machine off the fast paths.

private suspend fun <T : Any> Channel<T>.sendAfterYield(element: T) {
    yield()
    send(element)
}

private suspend fun <T : Any> Channel<T>.receiveAfterYield(): T {
    yield()
    return receive()
}

private suspend fun <T : Any> Channel<T>.receiveCatchingAfterYield(): Channel.Result<T> {
    yield()
    return receiveCatching()
}

/** Generic in its result, which is always Unit: declared as Unit, kotlinc would give it a state machine of its own. */
@Suppress("UNCHECKED_CAST")
private suspend fun <R> Channel<*>.awaitSend(element: Any): R = suspendCoroutineUninterceptedOrReturn { cont ->
    val w = UntimedWait.of(this, cont as Continuation<Any?>, receiving = false)
    if (w.isCompleted) return@suspendCoroutineUninterceptedOrReturn COROUTINE_SUSPENDED // cancelled already: woken with it
    val s = sendTouched(element, w)
    when {
        s == null -> COROUTINE_SUSPENDED // queued, or cancelled meanwhile and not queued: woken either way
        // Ready after all (a receiver came since the fast path): the claim decides against a cancellation.
        w.claim(s, null) -> w.outcome(s, null) as R
        else -> COROUTINE_SUSPENDED
    }
}

@Suppress("UNCHECKED_CAST")
private suspend fun <T> Channel<*>.awaitReceive(): T = suspendCoroutineUninterceptedOrReturn { cont ->
    val w = UntimedWait.of(this, cont as Continuation<Any?>, receiving = true)
    if (w.isCompleted) return@suspendCoroutineUninterceptedOrReturn COROUTINE_SUSPENDED
    val r = receiveTouched(w)
    when {
        r === Channel.EMPTY -> COROUTINE_SUSPENDED
        r === Channel.CLOSED -> if (w.claim(Status.CLOSED, null)) w.outcome(Status.CLOSED, null) as T else COROUTINE_SUSPENDED
        w.claim(Status.OK, r) -> r as T
        else -> {
            giveBack(r) // taken, but a cancellation won the wait: back to the channel
            COROUTINE_SUSPENDED
        }
    }
}

/**
 * The wait of an untimed Kotlin `send` or `receive`: it resumes the coroutine with the outcome
 * itself (the element, Unit, or the exception), so the suspending call has no code after the
 * suspension and suspends the caller's own continuation, with no wrapper: the channel is tried
 * once more with the waiter, and the coroutine returns the element at once if it is there, or
 * suspends and is resumed through its dispatcher by whoever completes the waiter.
 *
 * Everything this wait does to its coroutine's record (counting it as blocked, the
 * cancellation hook) is done in the constructor, before the waiter is queued: once it is
 * queued, a completer on another carrier may resume the coroutine at once, and it must not
 * find this wait still writing to its record. Cancellation completes it like any other outcome
 * (the claim decides), as in [ContinuationWaiter]: a wait that got its element returns it, and
 * a cancelled one leaves the channel and is handed nothing.
 */
@OptIn(InternalCoroutinesApi::class)
private class UntimedWait private constructor(
    private val channel: Channel<*>,
    private val cont: Continuation<Any?>,
    private val receiving: Boolean,
    owner: Coroutine?,
    ownStrand: Boolean,
    job: Job?,
) : Waiter(owner, if (receiving) "Channel.receive()" else "Channel.send()") {
    /** The caller's continuation as its dispatcher resumes it (cached by the continuation itself). */
    private val resumed = cont.intercepted()

    @Volatile
    private var onCancel: DisposableHandle? = null

    companion object {
        /** The wait of [cont]: its record and job come from the carrier's current record when the wait is its own strand's (the usual case), else from the context. */
        fun of(channel: Channel<*>, cont: Continuation<Any?>, receiving: Boolean): UntimedWait {
            val context = cont.context
            val own = ContinuationWaiter.ownStrandRecord(context)
            if (own != null) return UntimedWait(channel, cont, receiving, own, true, ContinuationWaiter.jobOf(own))
            val owner = ContinuationWaiter.recordOf(context)
            val job = context[Job]
            return UntimedWait(channel, cont, receiving, owner, ContinuationWaiter.isOwnStrand(owner, job), job)
        }
    }

    init {
        channel.touch(this)
        if (ownStrand) beginIndefiniteWaitUnpublished()
        if (job != null) {
            val handle = ContinuationWaiter.cancelWhenCancelled(owner(), job, this)
            if (handle != null) {
                onCancel = handle
                if (isCompleted) handle.dispose()
            }
        }
    }

    /** Cancelled: out of the channel's queue. */
    override fun leave() {
        channel.forget(this)
    }

    override fun wake() {
        onCancel?.dispose()
        val s = result()
        resumed.resumeWith(if (s == Status.OK) Result.success(if (receiving) value() else Unit) else Result.failure(failure(s)))
    }

    /** What the suspending call returns for [s], claimed by the caller itself: the value, or throws. */
    fun outcome(s: Status, value: Any?): Any? = if (s == Status.OK) (if (receiving) value else Unit) else throw failure(s)

    private fun failure(s: Status): Throwable = when (s) {
        Status.CLOSED -> ChannelClosedException(if (receiving) "receive on a closed, drained channel" else "send on a closed channel")
        // The job's own exception: withTimeout(OrNull) must recognise its timeout even when it
        // expired before the wait queued.
        else -> cont.context[Job]?.takeIf { it.isCancelled }?.getCancellationException()
            ?: CancellationException(if (receiving) "receive was cancelled" else "send was cancelled")
    }

    override fun suspendedStack(): Array<StackTraceElement> = Coroutine.continuationStack(cont)
}

/** Receives, waiting at most [timeout] (`null` or negative: forever): the element, or TIMEOUT or CLOSED. */
public suspend fun <T : Any> Channel<T>.receive(timeout: Duration?): Channel.Result<T> = receiveSuspending(timeout)

/** [receive] with a `java.time.Duration` timeout. */
public suspend fun <T : Any> Channel<T>.receive(timeout: java.time.Duration?): Channel.Result<T> =
    receiveSuspending(timeout?.toKotlinDuration())

/**
 * The channel's elements as a cold [Flow]: collecting receives until the channel is closed and
 * drained. Each element goes to one collector; several collectors share the elements.
 */
public fun <T : Any> Channel<T>.asFlow(): Flow<T> = flow {
    while (true) {
        val r = receiveCatching()
        if (!r.isOk) break
        val element = r.value()
        if (!currentCoroutineContext().isActive) {
            giveBack(element) // taken without suspending, but emit() would throw the cancellation before handing it on
            currentCoroutineContext().ensureActive()
        }
        emit(element)
    }
}

private suspend fun Channel<*>.sendSuspending(element: Any, timeout: Duration?): Status {
    if (Preemption.takeMarkOnCarrier()) yield()
    val fast = send(element, null)
    if (fast != Status.TIMEOUT || timeout == Duration.ZERO) return fast
    return ContinuationWaiter.suspendIn("Channel.send()", timeout.toNanosOrForever()) { w ->
        val s = send(element, w)
        if (s != null) w.complete(s, null)
        Runnable { forget(w) }
    }.result()
}

@Suppress("UNCHECKED_CAST")
private suspend fun <T : Any> Channel<T>.receiveSuspending(timeout: Duration?): Channel.Result<T> {
    if (Preemption.takeMarkOnCarrier()) yield()
    val fast = receive(null)
    if (fast === Channel.EMPTY) {
        if (timeout == Duration.ZERO) return Channel.Result.timeout()
        val w = ContinuationWaiter.suspendIn("Channel.receive()", timeout.toNanosOrForever()) { w ->
            val r = receive(w)
            if (r !== Channel.EMPTY) w.complete(if (r === Channel.CLOSED) Status.CLOSED else Status.OK, r.takeIf { it !== Channel.CLOSED })
            Runnable { forget(w) }
        }
        return if (w.result() == Status.OK) Channel.Result.ok(w.value() as T) else Channel.Result.failed(w.result())
    }
    return if (fast === Channel.CLOSED) Channel.Result.closed() else Channel.Result.ok(fast as T)
}


/**
 * Suspends until the group's count is zero, or [timeout] passes (`null` or negative: forever):
 * OK or TIMEOUT. Cancellation throws, as in any suspend function.
 *
 * ```
 * val wg = WaitGroup()
 * repeat(3) { wg.add(); go { try { work() } finally { wg.done() } } }
 * wg.wait()
 * ```
 */
public suspend fun WaitGroup.wait(timeout: Duration? = null): Status {
    if (enqueue(null) == Status.OK) return Status.OK
    if (timeout == Duration.ZERO) return Status.TIMEOUT
    return ContinuationWaiter.suspendIn("WaitGroup.wait()", timeout.toNanosOrForever()) { w ->
        val s = enqueue(w)
        if (s != null) w.complete(s, null)
        Runnable { forget(w) }
    }.result()
}

/** [wait] with a `java.time.Duration` timeout. */
public suspend fun WaitGroup.wait(timeout: java.time.Duration?): Status = wait(timeout?.toKotlinDuration())

/** Suspends until every child registered on the barrier has finished, or [timeout] passes: OK or TIMEOUT. */
public suspend fun Barrier.wait(timeout: Duration? = null): Status = group().wait(timeout)

/**
 * Starts [block] as a corun coroutine holding one of the barrier's tickets, closed when it ends
 * however it ends.
 */
public fun CoroutineScope.go(barrier: Barrier, block: suspend CoroutineScope.() -> Unit): CoJob {
    val ticket = barrier.register()
    return try {
        go { ticket.use { block() } }
    } catch (e: RuntimeException) {
        ticket.close()
        throw e
    }
}
