package dev.corun

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.GlobalScope
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Java coroutines (`Co.go`) and Kotlin coroutines (`go {}`) in one runtime: one id sequence, one table. */
class JavaKotlinInteropSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("Kotlin go and Java Co.go take cids from one sequence, and exists/list see both while alive") {
        corunBounded {
            val main = Co.getCid()
            val release = CountDownLatch(1)
            val kotlinGate = CompletableDeferred<Unit>()
            val javaPcid = AtomicLong()
            val k1 = go { kotlinGate.await() }.cid
            val j1 = Co.go {
                javaPcid.set(Co.getPcid())
                release.await(30, TimeUnit.SECONDS)
            }
            val k2 = go { kotlinGate.await() }.cid
            val j2 = Co.go("java-2") { release.await(30, TimeUnit.SECONDS) }

            // nothing else starts coroutines meanwhile: the ids are consecutive, in start order
            listOf(k1, j1, k2, j2) shouldBe listOf(k1, k1 + 1, k1 + 2, k1 + 3)
            Co.stats().lastCid shouldBe j2

            listOf(k1, j1, k2, j2).forEach { Co.exists(it) shouldBe true }
            Co.list().toList() shouldContainAll listOf(main, k1, j1, k2, j2)
            Co.getPcid(k1) shouldBe main
            Co.getPcid(j1) shouldBe main

            kotlinGate.complete(Unit)
            release.countDown()
            coJoin(longArrayOf(k1, j1, k2, j2), 10.seconds) shouldBe Status.OK
            javaPcid.get() shouldBe main
            listOf(k1, j1, k2, j2).forEach { Co.exists(it) shouldBe false }
            Co.list().toList().filter { it in setOf(k1, j1, k2, j2) }.shouldBeEmpty()
        }
    }

    test("a Kotlin go started inside a Java coroutine belongs to the run: corun waits for it") {
        val kotlinDone = AtomicBoolean(false)
        val kotlinPcid = AtomicLong()
        val javaCid = AtomicLong()
        corunBounded {
            Co.go {
                javaCid.set(Co.getCid())
                GlobalScope.go {
                    kotlinPcid.set(Co.getPcid())
                    coSleep(50.milliseconds)
                    kotlinDone.set(true)
                }
            }
        }
        kotlinDone.get() shouldBe true
        kotlinPcid.get() shouldBe javaCid.get()
    }

    test("Co.getCid() and the Context stay right in each Kotlin coroutine across suspensions and carrier changes") {
        val n = 200
        val rounds = 40
        val errors = Collections.synchronizedList(mutableListOf<String>())
        val carriersSeen = Collections.synchronizedList(mutableListOf<Int>())
        corunBounded(60.seconds) {
            val jobs = (1..n).map { i ->
                go(name = "hopper-$i") {
                    val me = Co.getCid()
                    Co.getContext().put("me", me)
                    Co.getContext().put("index", i)
                    val threads = HashSet<String>()
                    repeat(rounds) { r ->
                        // Some CPU work keeps the carriers busy long enough for the monitor to
                        // open their hot queues to each other, so coroutines do change carriers.
                        if (r % 2 == 0) { spin(20_000); coYield() } else coSleep(1.milliseconds)
                        threads += Thread.currentThread().name
                        if (Co.getCid() != me) errors += "coroutine $me saw cid ${Co.getCid()} after round $r"
                        if (ctxGet("me") != me || ctxGet("index") != i) {
                            errors += "coroutine $me saw context ${Co.getContext()} after round $r"
                        }
                    }
                    carriersSeen += threads.size
                }
            }
            jobs.map { it.cid } shouldBe jobs.map { it.cid }.sorted()
            jobs.forEach { it.join() }
        }
        errors.take(10).shouldBeEmpty()
        carriersSeen.size shouldBe n
        // stolen work and resumptions from the timer thread (the global queue): some coroutines move
        carriersSeen.count { it > 1 } shouldBeGreaterThan 0
    }

    test("Java and Kotlin coroutines each see their own cid and context when interleaved") {
        val errors = Collections.synchronizedList(mutableListOf<String>())
        corunBounded(60.seconds) {
            val javaIds = (1..50).map {
                Co.go {
                    val me = Co.getCid()
                    Co.getContext().put("me", me)
                    repeat(20) { r ->
                        Co.sleep(java.time.Duration.ofMillis(1))
                        if (Co.getCid() != me || Co.getContext().get("me") != me) errors += "java $me round $r"
                    }
                }
            }
            val kotlinIds = (1..50).map {
                go {
                    val me = Co.getCid()
                    Co.getContext().put("me", me)
                    repeat(20) { r ->
                        coSleep(1.milliseconds)
                        if (Co.getCid() != me || ctxGet("me") != me) errors += "kotlin $me round $r"
                    }
                }.cid
            }
            coJoin((javaIds + kotlinIds).toLongArray(), 30.seconds) shouldBe Status.OK
        }
        errors.take(10).shouldBeEmpty()
    }
})

@Volatile private var spinSink = 0L

/** About `iterations` nanoseconds of CPU work the JIT cannot drop. */
private fun spin(iterations: Int) {
    var x = spinSink or 1L
    repeat(iterations) { x = x xor (x shl 13); x = x xor (x ushr 7); x = x xor (x shl 17) }
    spinSink = x
}
