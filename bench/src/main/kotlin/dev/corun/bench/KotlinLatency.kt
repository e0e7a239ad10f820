@file:JvmName("KotlinLatency")

package dev.corun.bench

import dev.corun.checkpoint
import dev.corun.coSleep
import dev.corun.corun
import dev.corun.go
import kotlin.time.Duration.Companion.nanoseconds

/**
 * The Kotlin run of [SchedulingLatency]: [spinners] `go { }` coroutines spin calling `checkpoint()`
 * every iteration, and the main coroutine calls `coSleep(1 ms)` in a loop until [durationNanos]
 * have passed; returns each wake-up's lateness in nanoseconds.
 */
fun corunLateness(durationNanos: Long, spinners: Int): LongArray = corun {
    val end = System.nanoTime() + durationNanos
    repeat(spinners) {
        go {
            var x = end
            while (System.nanoTime() < end) {
                x = SchedulingLatency.work(x)
                checkpoint()
            }
            SchedulingLatency.consume(x)
        }
    }
    val period = SchedulingLatency.PERIOD_NANOS
    val samples = LongArray((durationNanos / period).toInt() + 1)
    var n = 0
    while (System.nanoTime() < end) {
        val intended = System.nanoTime() + period
        coSleep(period.nanoseconds)
        samples[n++] = System.nanoTime() - intended
    }
    samples.copyOf(n)
}
