/*
 * Seed 001, "Concurrent Calls", in one program: sub-coroutines and a channel instead of
 * callbacks, then the same with a WaitGroup, then two channel patterns built on it (a Java
 * producer closing a channel a Kotlin consumer drains, and a pipeline ending in a select with a
 * timeout).
 */
@file:JvmName("Seed001")

package dev.corun.samples.kotlin

/** Runs the four samples, each under a heading. */
public fun showSeed001() {
    println("corun samples (Kotlin) - seed 001: concurrent calls with coroutines and channels")
    heading(1, "two concurrent fetches, results through a Channel(2)")
    showConcurrentCalls()
    heading(2, "the same, simpler with a WaitGroup")
    showConcurrentCallsWithWaitGroup()
    heading(3, "a Java producer feeding a Kotlin consumer over one channel, closed at the end")
    showJavaToKotlin()
    heading(4, "a pipeline: select over results and quit, with a timeout")
    showSelectPipeline()
}

/** Runs [showSeed001]. */
public fun main(): Unit = showSeed001()
