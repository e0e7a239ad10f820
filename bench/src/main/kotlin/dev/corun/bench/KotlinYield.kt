@file:JvmName("KotlinYield")

package dev.corun.bench

import dev.corun.coYield
import dev.corun.corun
import dev.corun.go
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/** corun: two `go { }` coroutines each call `coYield()` [n] times; returns when both have ended. */
fun corunYield(n: Int) {
    corun {
        repeat(2) { go { repeat(n) { coYield() } } }
    }
}

/** kotlinx: two `launch { }` coroutines on Dispatchers.Default each call `yield()` [n] times; returns when both have ended. */
fun defaultYield(n: Int) {
    runBlocking(Dispatchers.Default) {
        repeat(2) { launch { repeat(n) { yield() } } }
    }
}
