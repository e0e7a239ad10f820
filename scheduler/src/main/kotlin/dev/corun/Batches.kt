@file:JvmName("Batches")

package dev.corun

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.coroutineScope
import java.util.concurrent.CompletionException
import java.util.concurrent.atomic.AtomicReferenceArray
import kotlin.time.Duration

/**
 * Swoole's `batch` for Kotlin: runs every task in its own corun coroutine and waits until all
 * have finished or [timeout] passes (`null`: no limit). Returns each finished task's value under
 * its key, in the map's order; a task still running at the timeout is cancelled and gives no
 * value. If tasks threw, the first exception is thrown once the wait is over (others suppressed).
 *
 * ```
 * val pages = coBatch(mapOf("a" to suspend { fetch("a") }, "b" to suspend { fetch("b") }), 1.seconds)
 * ```
 */
public suspend fun <K, V> coBatch(tasks: Map<K, suspend () -> V>, timeout: Duration? = null): Map<K, V> {
    val keys = tasks.keys.toList()
    val slots = runAll(keys.map { tasks.getValue(it) }, timeout)
    val out = LinkedHashMap<K, V>()
    keys.forEachIndexed { i, k -> if (slots[i] !== TooLate) @Suppress("UNCHECKED_CAST") out.put(k, slots[i] as V) }
    return out
}

/** Swoole's `parallel` for Kotlin: runs [block] in [n] corun coroutines at once (each gets its index) and waits for all. */
public suspend fun coParallel(n: Int, block: suspend (Int) -> Unit) {
    require(n >= 0) { "coParallel needs n >= 0, got $n" }
    runAll(List(n) { i -> suspend { block(i) } }, null)
}

/**
 * Swoole's `map` for Kotlin: applies [fn] to every element in its own corun coroutine and returns
 * the results in the list's order; an element whose call had not finished at the timeout is
 * cancelled and gives null.
 */
public suspend fun <T, R> coMap(list: List<T>, timeout: Duration? = null, fn: suspend (T) -> R): List<R?> {
    val slots = runAll(list.map { e -> suspend { fn(e) } }, timeout)
    @Suppress("UNCHECKED_CAST")
    return slots.map { if (it === TooLate) null else it as R }
}

/** Marks a slot whose call had not finished at the timeout: a result arriving later is dropped. */
private object TooLate

private object Pending

/**
 * One corun coroutine per call, one [coJoin] with the timeout, then every unfinished slot frozen
 * (so a cancelled call that still returns cannot slip its result in) and its coroutine cancelled.
 */
private suspend fun <V> runAll(calls: List<suspend () -> V>, timeout: Duration?): List<Any?> {
    val slots = AtomicReferenceArray<Any?>(calls.size)
    var failure: Throwable? = null
    val lock = Any()
    val cids = coroutineScope {
        LongArray(calls.size) { i ->
            slots.set(i, Pending)
            go {
                var result: Any? = null
                try {
                    result = calls[i]()
                } catch (e: CancellationException) {
                    // cancelled after the timeout: the slot is frozen already
                } catch (t: Throwable) {
                    synchronized(lock) { failure?.addSuppressed(t) ?: run { failure = t } }
                }
                slots.compareAndSet(i, Pending, result)
            }.cid
        }
    }
    if (coJoin(cids, timeout) != Status.OK) {
        for (i in cids.indices) {
            if (slots.compareAndSet(i, Pending, TooLate)) Co.cancel(cids[i])
        }
    }
    synchronized(lock) { failure }?.let { throw if (it is RuntimeException || it is Error) it else CompletionException(it) }
    return List(calls.size) { slots.get(it) }
}
