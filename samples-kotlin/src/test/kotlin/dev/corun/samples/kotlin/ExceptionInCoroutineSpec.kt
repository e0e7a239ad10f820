package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBePositive
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf

class ExceptionInCoroutineSpec : FunSpec({
    test("an exception caught in its own coroutine stays there") {
        val caught = caughtInsideItsCoroutine()

        caught.cid.shouldBePositive()
        caught.message shouldBe "thrown by test() in coroutine ${caught.cid}"
    }

    test("a try around go { } does not catch the child's exception, and corun rethrows it") {
        val uncaught = uncaughtCrossesNoCoroutine()

        uncaught.parentCaughtIt shouldBe false
        uncaught.rethrownByRun.shouldBeInstanceOf<IllegalStateException>()
        uncaught.rethrownByRun.message shouldBe "thrown by test() in coroutine ${uncaught.throwerCid}"
    }
})
