/*
 * Seed 002 in one program: Swoole's coroutine programming rules, shown on corun with Kotlin
 * suspend functions, in order. Run it with `java -jar corun-samples-kotlin-*.jar` (the jar's
 * manifest opens java.base/java.lang, which corun's virtual-thread scheduler needs).
 */
@file:JvmName("Seed002")

package dev.corun.samples.kotlin

/** Runs the four samples, each under a heading. */
public fun showSeed002() {
    println("corun samples (Kotlin) - seed 002: coroutine programming rules")
    heading(1, "exit() inside a coroutine is a catchable ExitException")
    showExitInCoroutine()
    heading(2, "catch an exception inside the coroutine that throws it")
    showExceptionInCoroutine()
    heading(3, "no globals for per-request state: use the coroutine's Context")
    showGlobalVariableRace()
    heading(4, "coroutines waiting on each other forever: the deadlock report")
    showDeadlockReport()
}

/** Runs [showSeed002]. */
public fun main(): Unit = showSeed002()
