package dev.corun.samples.kotlin

import dev.corun.Status
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe

class JavaToKotlinSpec : FunSpec({
    test("the Kotlin consumer receives every element the Java producer pushed, in order, then CLOSED") {
        val h = javaProducerKotlinConsumer(5)
        h.received shouldBe listOf(1, 2, 3, 4, 5)
        h.end shouldBe Status.CLOSED
    }

    test("closing drops nothing, with many more elements than the buffer holds") {
        val h = javaProducerKotlinConsumer(1000)
        h.received shouldBe (1..1000).toList()
        h.end shouldBe Status.CLOSED
    }

    test("the Kotlin main, the Java producer and the Kotlin consumer take ids from one sequence") {
        val h = javaProducerKotlinConsumer(3)
        h.mainCid shouldBeGreaterThan 0
        h.mainCid shouldBeLessThan h.producerCid
        h.producerCid shouldBeLessThan h.consumerCid
    }
})
