package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith

class DeadlockReportSpec : FunSpec({
    test("a coJoin cycle is reported as a deadlock of both coroutines") {
        val e = joinCycle()

        e.count shouldBe 2
        e.message.orEmpty() shouldStartWith "all coroutines (count: 2) are asleep - deadlock!"
        e.message.orEmpty() shouldContain "[child] waiting on coJoin("
    }
})
