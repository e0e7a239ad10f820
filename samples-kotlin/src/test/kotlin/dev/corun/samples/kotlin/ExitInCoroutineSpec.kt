package dev.corun.samples.kotlin

import dev.corun.ExitException
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ExitInCoroutineSpec : FunSpec({
    test("Co.exit deep in the calls of a go coroutine is caught at the top of that coroutine") {
        val e = catchExitAtTopOfCoroutine()

        e.status shouldBe 1
        e.flags shouldBe ExitException.EXIT_IN_COROUTINE
        e.flags shouldBe 2
    }

    test("an uncaught Co.exit reaches the caller of corun with its status") {
        exitStatusOfRun(123) shouldBe 123
    }
})
