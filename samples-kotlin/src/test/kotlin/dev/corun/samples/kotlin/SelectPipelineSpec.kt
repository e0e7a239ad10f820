package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe

private fun List<PipelineEvent>.valuesOf(clause: String) = filter { it.clause == clause }.map { it.value }

class SelectPipelineSpec : FunSpec({
    test("the results clause fires for every square in order, then quit, last") {
        val events = selectPipeline(5, 3)
        events.valuesOf("results") shouldBe listOf(1, 4, 9, 16, 25)
        events.valuesOf("quit") shouldBe listOf("done")
        events.last().clause shouldBe "quit"
    }

    test("the timeout clause fires while the stalled job runs") {
        val events = selectPipeline(5, 3)
        val fired = events.map { "${it.clause} ${it.value}" }
        val four = fired.indexOf("results 4")
        val nine = fired.indexOf("results 9")
        // STALL (250 ms) is longer than PATIENCE (100 ms): at least one select between result 4 and result 9 times out
        nine shouldBeGreaterThan four + 1
        fired.subList(four + 1, nine) shouldContain "timeout $PATIENCE"
    }

    test("with no stalled job it still ends with every square, then quit") {
        val events = selectPipeline(3, -1)
        events.valuesOf("results") shouldBe listOf(1, 4, 9)
        events.last().clause shouldBe "quit"
    }
})
