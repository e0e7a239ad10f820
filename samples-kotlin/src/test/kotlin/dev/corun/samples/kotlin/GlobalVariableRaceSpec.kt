package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class GlobalVariableRaceSpec : FunSpec({
    test("with a global, /a answers what /b stored while /a was suspended") {
        withGlobal() shouldBe Responses(a = "b", b = "")
    }

    test("with the coroutine's Context, /a answers its own value") {
        withContext() shouldBe Responses(a = "a", b = "")
    }

    test("a coroutine's Context is emptied when the coroutine ends") {
        contextAfterItsCoroutineEnded().isEmpty shouldBe true
    }
})
