package dev.corun.channels.lincheck

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.InternalCoroutinesApi

/**
 * Resumes a continuation suspended in a sequential model with [value], unless it was cancelled
 * first (then the model skips it, as the real primitive skips a waiter that left). Returns
 * whether it was resumed. [onCancellation] receives the value if the resumed operation is then
 * cancelled before it could return (prompt cancellation).
 */
@OptIn(InternalCoroutinesApi::class)
internal fun <T> CancellableContinuation<T>.resumeIfActive(value: T, onCancellation: ((T) -> Unit)? = null): Boolean {
    val token = if (onCancellation == null) {
        tryResume(value, null)
    } else {
        tryResume(value, null) { _, v, _ -> onCancellation(v) }
    } ?: return false
    completeResume(token)
    return true
}
