package dev.corun.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ConcurrentCallsWithWaitGroupSpec : FunSpec({
    test("the handler has both bodies, each in its host's place") {
        val a = withWaitGroup(DELAY)
        a.bodies shouldBe BOTH_BODIES
        a.bodies.keys.toList() shouldBe listOf("www.qq.com", "www.163.com") // the hosts' order, not arrival order
    }

    test("the two fetches overlap: about one fetch, not two") {
        withWaitGroup(DELAY).elapsed.shouldBeAboutOneFetch()
    }
})
