package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/** Long enough that one fetch and two fetches one after the other are far apart on a loaded machine. */
internal val DELAY = 300.milliseconds

internal val BOTH_BODIES = mapOf(
    "www.qq.com" to "<html>www.qq.com</html>",
    "www.163.com" to "<html>www.163.com</html>",
)

/** At least one fetch, and well under two one after the other. */
internal fun Duration.shouldBeAboutOneFetch() {
    this shouldBeGreaterThanOrEqualTo DELAY
    this shouldBeLessThan DELAY * 1.5
}

class ConcurrentCallsSpec : FunSpec({
    test("the handler receives both bodies") {
        withChannel(DELAY).bodies shouldBe BOTH_BODIES
    }

    test("the two fetches overlap: about one fetch, not two") {
        withChannel(DELAY).elapsed.shouldBeAboutOneFetch()
    }

    test("the answer is the seed's JSON object") {
        val json = withChannel(1.milliseconds).json()
        json shouldContain "\"www.qq.com\":\"<html>www.qq.com</html>\""
        json shouldContain "\"www.163.com\":\"<html>www.163.com</html>\""
    }
})
