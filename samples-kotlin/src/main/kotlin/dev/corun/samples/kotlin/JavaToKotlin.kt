/*
 * A Java producer feeding a Kotlin consumer over one corun Channel. The producer is plain Java
 * (JavaProducer.java: `Co.go(() -> ch.push(i))`, blocking calls on a virtual thread); the
 * consumer is a Kotlin `go { }` coroutine calling the suspend `receiveCatching()`. One Channel
 * object serves both styles. The producer closes the channel after its last push; the consumer
 * gets every element in order, then CLOSED (`ch.asFlow().collect { }` would do the same loop).
 * Java and Kotlin coroutines take their ids from one sequence: main, then the Java producer,
 * then the Kotlin consumer.
 */
@file:JvmName("JavaToKotlin")

package dev.corun.samples.kotlin

import dev.corun.Co
import dev.corun.Status
import dev.corun.channels.Channel
import dev.corun.channels.receiveCatching
import dev.corun.corun
import dev.corun.go
import kotlinx.coroutines.CompletableDeferred

/**
 * What the Kotlin consumer saw.
 *
 * @property mainCid the run's main coroutine (Kotlin), which started both
 * @property producerCid the Java coroutine that pushed and closed
 * @property consumerCid the Kotlin coroutine that received
 * @property received the elements in the order they were received
 * @property end the status of the receive that ended the loop: CLOSED
 */
public data class CrossLanguage(
    val mainCid: Long,
    val producerCid: Long,
    val consumerCid: Long,
    val received: List<Int>,
    val end: Status,
)

/**
 * Pushes `1..count` from a Java coroutine through a `Channel(2)` to a Kotlin coroutine.
 *
 * @param count how many elements the Java producer pushes
 */
public fun javaProducerKotlinConsumer(count: Int = 5): CrossLanguage = corun {
    val ch = Channel<Int>(2) // Channel<Integer> to the Java side
    val producerCid = JavaProducer.start(ch, count)
    val seen = CompletableDeferred<CrossLanguage>()
    go(name = "kotlin-consumer") {
        val received = mutableListOf<Int>()
        while (true) {
            val r = ch.receiveCatching() // suspends this coroutine, frees the carrier
            if (!r.isOk) {
                seen.complete(CrossLanguage(-1, producerCid, Co.getCid(), received, r.status()))
                break
            }
            received += r.value()
        }
    }
    seen.await().copy(mainCid = Co.getCid())
}

/** Runs the hand-off and prints who did what. */
public fun showJavaToKotlin() {
    val h = javaProducerKotlinConsumer()
    println("Kotlin main coroutine #${h.mainCid} started Java producer #${h.producerCid} and Kotlin consumer #${h.consumerCid} (one id sequence)")
    println("Java coroutine #${h.producerCid} pushed 1..5 into a Channel(2) with blocking push(), then closed it")
    println("Kotlin coroutine #${h.consumerCid} received ${h.received} with suspending receiveCatching(), then ${h.end}")
}

/** Runs [showJavaToKotlin]. */
public fun main(): Unit = showJavaToKotlin()
