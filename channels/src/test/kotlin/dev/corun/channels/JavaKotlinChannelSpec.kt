package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.Co
import dev.corun.CoJob
import dev.corun.Status
import dev.corun.coJoin
import dev.corun.corunBounded
import dev.corun.go
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.time.Duration
import java.util.Collections
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.ThreadLocalRandom
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicIntegerArray
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.yield

/** One channel shared by Java coroutines (blocking push/pop), Kotlin coroutines (suspend) and plain threads. */
class JavaKotlinChannelSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    for (capacity in listOf(0, 3)) {
        test("capacity $capacity: Java coroutine producer (Co.go + push) -> Kotlin consumer (receive)") {
            val got = corunBounded {
                val ch = Channel<Int>(capacity)
                Co.go {
                    for (i in 1..500) ch.push(i) shouldBe true
                    ch.close()
                }
                val out = ArrayList<Int>()
                while (true) {
                    val r = ch.receiveCatching()
                    if (!r.isOk) break
                    out += r.value()
                }
                out
            }
            got shouldBe (1..500).toList()
        }

        test("capacity $capacity: Kotlin producer (send) -> Java coroutine consumer (pop)") {
            val got = ConcurrentLinkedQueue<Int>()
            corunBounded {
                val ch = Channel<Int>(capacity)
                val consumer = Co.go {
                    while (true) {
                        val r = ch.pop(null as Duration?)
                        if (!r.isOk) {
                            r.status() shouldBe Status.CLOSED
                            break
                        }
                        got += r.value()
                    }
                }
                for (i in 1..500) ch.send(i)
                ch.close()
                coJoin(longArrayOf(consumer)) shouldBe Status.OK
            }
            got.toList() shouldBe (1..500).toList()
        }
    }

    test("a plain thread pushes to a Kotlin consumer and pops from a Kotlin producer") {
        val ch = Channel<Int>(0)
        val back = Channel<Int>(0)
        val popped = AtomicInteger()
        val thread = Thread {
            for (i in 1..200) ch.push(i)
            ch.close()
            var sum = 0
            while (true) sum += back.pop() ?: break
            popped.set(sum)
        }
        val sum = corunBounded {
            thread.start()
            var s = 0
            while (true) {
                val r = ch.receiveCatching()
                if (!r.isOk) break
                s += r.value()
            }
            for (i in 1..200) back.send(i)
            back.close()
            s
        }
        thread.join(20_000)
        sum shouldBe (1..200).sum()
        popped.get() shouldBe (1..200).sum()
    }

    test("no false deadlock: the run's only coroutine waits with no timeout for a plain thread that pushes later") {
        // A channel fed from outside the run (a plain thread) is not a deadlock (DESIGN: no false positives;
        // channels are shared freely with plain threads). The thread pushes well after the 100 ms grace.
        val ch = Channel<String>(0)
        val feeder = Thread {
            awaitCondition("the coroutine parks in receive") { ch.stats().consumerNum == 1 }
            Thread.sleep(600) // not synchronisation: the idle gap a slow outside producer leaves
            ch.push("from outside")
        }
        feeder.isDaemon = true
        feeder.start()
        val got = corunBounded(20.seconds) { ch.receive() }
        got shouldBe "from outside"
        feeder.join(5_000)
    }

    for (capacity in listOf(0, 1, 16)) {
        test("mixed stress, capacity $capacity: Java and Kotlin producers/consumers, random timeouts, Co.cancel, close in the middle") {
            val javaProducers = 5
            val kotlinProducers = 5
            val perProducer = 1_000
            val producers = javaProducers + kotlinProducers
            val total = producers * perProducer
            val sentOk = AtomicIntegerArray(total)
            val sendCancelled = AtomicIntegerArray(total) // a Kotlin send that threw CancellationException
            val received = AtomicIntegerArray(total)
            val receivedCount = AtomicInteger()
            val endedWorkers = AtomicInteger()
            val cancels = AtomicInteger()
            val statuses = Collections.synchronizedSet(HashSet<Status>())
            val workers = javaProducers + kotlinProducers + 8
            corunBounded(100.seconds) {
                val ch = Channel<Int>(capacity)
                fun jt(rnd: ThreadLocalRandom): Duration? = when (rnd.nextInt(4)) {
                    0 -> null
                    1 -> Duration.ZERO
                    else -> Duration.ofNanos(rnd.nextLong(10_000, 2_000_000))
                }
                fun kt(rnd: ThreadLocalRandom): kotlin.time.Duration? = jt(rnd)?.let { kotlin.time.Duration.parse("${it.toNanos()}ns") }
                val javaCids = ArrayList<Long>()
                val kotlinJobs = ArrayList<CoJob>()
                for (p in 0 until javaProducers) {
                    javaCids += Co.go {
                        try {
                            val rnd = ThreadLocalRandom.current()
                            var i = 0
                            while (i < perProducer) {
                                val x = p * perProducer + i
                                val s = ch.push(x, jt(rnd))
                                statuses += s
                                when (s) {
                                    Status.OK -> { sentOk.incrementAndGet(x); i++ }
                                    Status.CLOSED -> return@go
                                    else -> {} // TIMEOUT or CANCELED: retry the same element
                                }
                            }
                        } finally {
                            endedWorkers.incrementAndGet()
                        }
                    }
                }
                for (p in javaProducers until producers) {
                    kotlinJobs += go {
                        try {
                            val rnd = ThreadLocalRandom.current()
                            var i = 0
                            while (i < perProducer) {
                                val x = p * perProducer + i
                                val s = try {
                                    ch.send(x, kt(rnd))
                                } catch (e: CancellationException) {
                                    sendCancelled.incrementAndGet(x)
                                    throw e
                                }
                                statuses += s
                                when (s) {
                                    Status.OK -> { sentOk.incrementAndGet(x); i++ }
                                    Status.CLOSED -> return@go
                                    else -> {}
                                }
                            }
                        } finally {
                            endedWorkers.incrementAndGet()
                        }
                    }
                }
                repeat(4) {
                    javaCids += Co.go {
                        try {
                            val rnd = ThreadLocalRandom.current()
                            while (true) {
                                val r = ch.pop(jt(rnd))
                                statuses += r.status()
                                if (r.isOk) {
                                    received.incrementAndGet(r.value()); receivedCount.incrementAndGet()
                                } else if (r.status() == Status.CLOSED) {
                                    return@go
                                }
                            }
                        } finally {
                            endedWorkers.incrementAndGet()
                        }
                    }
                }
                repeat(4) {
                    kotlinJobs += go {
                        try {
                            val rnd = ThreadLocalRandom.current()
                            while (true) {
                                val r = ch.receive(kt(rnd))
                                statuses += r.status()
                                if (r.isOk) {
                                    received.incrementAndGet(r.value()); receivedCount.incrementAndGet()
                                } else if (r.status() == Status.CLOSED) {
                                    return@go
                                }
                            }
                        } finally {
                            endedWorkers.incrementAndGet()
                        }
                    }
                }
                // a canceller: Co.cancel on random workers (a Java one's wait reports CANCELED and it goes on;
                // a Kotlin one ends) -- until half the elements have gone through, then close
                val stop = AtomicBoolean()
                val canceller = go {
                    val rnd = ThreadLocalRandom.current()
                    val all = javaCids + kotlinJobs.map { it.cid }
                    while (!stop.get()) {
                        if (Co.cancel(all[rnd.nextInt(all.size)])) cancels.incrementAndGet()
                        repeat(rnd.nextInt(5, 50)) { yield() }
                    }
                }
                yieldUntil("half the elements are received", 60.seconds) { receivedCount.get() >= total / 2 }
                ch.close()
                stop.set(true)
                canceller.join()
                coJoin((javaCids + kotlinJobs.map { it.cid }).toLongArray(), 60.seconds) shouldBe Status.OK
                ch.stats() shouldBe Channel.Stats(0, 0, 0)
            }
            endedWorkers.get() shouldBe workers
            val lost = (0 until total).filter { sentOk.get(it) == 1 && received.get(it) == 0 }
            val dup = (0 until total).filter { received.get(it) > 1 }
            val ghost = (0 until total).filter { received.get(it) == 1 && sentOk.get(it) == 0 && sendCancelled.get(it) == 0 }
            Triple(lost.take(10), dup.take(10), ghost.take(10)) shouldBe Triple(emptyList(), emptyList(), emptyList())
            (cancels.get() > 0) shouldBe true
            statuses.contains(Status.OK) shouldBe true
        }
    }
})
