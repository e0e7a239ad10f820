package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContainInOrder
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** The program the runnable jar prints after seed 002: every section runs and says what its sample shows. */
class Seed001Spec : FunSpec({
    test("the program prints the four sections in order, each with what its sample observed") {
        printedBy { showSeed001() }.shouldContainInOrder(
            "=== 1. ",
            "\"www.qq.com\":\"<html>www.qq.com</html>\"",
            "elapsed: ",
            "=== 2. ",
            "answer:  {\"www.qq.com\":\"<html>www.qq.com</html>\",\"www.163.com\":\"<html>www.163.com</html>\"}",
            "=== 3. ",
            "received [1, 2, 3, 4, 5] with suspending receiveCatching(), then CLOSED",
            "=== 4. ",
            "results  1",
            "results  4",
            "timeout  100ms",
            "results  9",
            "results  16",
            "results  25",
            "quit     done",
        )
    }

    test("the runnable jar's main runs seed 002, then seed 001") {
        printedBy { main(emptyArray()) }.shouldContainInOrder("seed 002", "=== 4. ", "seed 001", "=== 1. ", "=== 4. ", "quit     done")
    }
})

/** What [block] printed on `System.out`. */
private fun printedBy(block: () -> Unit): String {
    val saved = System.out
    val buffer = ByteArrayOutputStream()
    System.setOut(PrintStream(buffer, true, Charsets.UTF_8))
    try {
        block()
    } finally {
        System.setOut(saved)
    }
    return buffer.toString(Charsets.UTF_8)
}
