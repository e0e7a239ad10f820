package dev.corun.samples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldContainInOrder
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** The tutorial that `java -jar` prints: every section runs and says what its sample shows. */
class Seed002Spec : FunSpec({
    test("the program prints the four sections in order, each with what its sample observed") {
        val out = printedBy { Seed002.main(emptyArray()) }

        out.shouldContainInOrder(
            "=== 1. ",
            "getStatus()   = 1",
            "getFlags()    = 2    (== EXIT_IN_COROUTINE: true)",
            "main read getStatus() = 123",
            "=== 2. ",
            "the parent's catch ran: false",
            "Co.run rethrew it once the run had ended: java.lang.IllegalStateException",
            "=== 3. ",
            "With a static field:       /a answered \"b\"",
            "With Co.getContext():      /a answered \"a\"",
            "=== 4. ",
            "getCount() = 2",
            "all coroutines (count: 2) are asleep - deadlock!",
        )
        out shouldContain "A Context after its coroutine ended: Context{}"
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
