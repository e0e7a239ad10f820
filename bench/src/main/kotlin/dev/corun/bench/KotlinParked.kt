@file:JvmName("KotlinParked")

package dev.corun.bench

import dev.corun.go
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.suspendCancellableCoroutine
import java.util.concurrent.atomic.AtomicInteger

/**
 * corun: starts [n] standalone `go { }` coroutines that suspend forever; each counts itself
 * in [suspended] just before suspending. corun's table of live coroutines keeps them reachable.
 *
 * Both kinds suspend with a bare `suspendCancellableCoroutine { }`, the leanest suspension
 * kotlinx offers (`awaitCancellation()` adds a continuation frame of its own), so what is
 * measured is the coroutine, not the way it waits.
 */
@OptIn(DelicateCoroutinesApi::class)
fun corunSuspendForever(n: Int, suspended: AtomicInteger) {
    repeat(n) {
        GlobalScope.go {
            suspended.incrementAndGet()
            suspendCancellableCoroutine<Unit> { }
        }
    }
}

/** The scope whose job holds the Dispatchers.Default coroutines (and keeps them reachable). */
fun defaultScope(): CoroutineScope = CoroutineScope(Dispatchers.Default)

/** kotlinx: launches [n] children of [scope] on Dispatchers.Default that suspend forever, counting themselves in [suspended]. */
fun defaultSuspendForever(scope: CoroutineScope, n: Int, suspended: AtomicInteger) {
    repeat(n) {
        scope.launch {
            suspended.incrementAndGet()
            suspendCancellableCoroutine<Unit> { }
        }
    }
}
