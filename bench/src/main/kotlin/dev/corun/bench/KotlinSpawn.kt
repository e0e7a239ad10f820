@file:JvmName("KotlinSpawn")

package dev.corun.bench

import dev.corun.corun
import dev.corun.go
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/** corun: starts [n] empty `go { }` coroutines from the run's main coroutine; returns when all have ended. */
fun corunGo(n: Int) {
    corun {
        repeat(n) { go { } }
    }
}

/** kotlinx: starts [n] empty `launch { }` children on Dispatchers.Default; returns when all have ended. */
fun defaultLaunch(n: Int) {
    runBlocking(Dispatchers.Default) {
        repeat(n) { launch { } }
    }
}
