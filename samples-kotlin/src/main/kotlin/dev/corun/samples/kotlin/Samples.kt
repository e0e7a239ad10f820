/*
 * The runnable jar's entry point: seed 002 (coroutine programming rules), then seed 001
 * (concurrent calls with channels). An argument `001` or `002` runs only that one.
 */
@file:JvmName("Samples")

package dev.corun.samples.kotlin

public fun main(args: Array<String>) {
    val only = args.firstOrNull().orEmpty()
    if (only != "001") showSeed002()
    if (only != "002") {
        if (only.isEmpty()) {
            println()
            println()
        }
        showSeed001()
    }
}

/** Prints a numbered section heading, after whatever the previous section wrote. */
internal fun heading(n: Int, title: String) {
    System.out.flush()
    System.err.flush()
    println()
    println("=== $n. $title ===")
    println()
}
