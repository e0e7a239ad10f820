package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.Co
import dev.corun.Status
import dev.corun.corunBounded
import dev.corun.go
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.util.concurrent.ThreadLocalRandom
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicIntegerArray
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive
import kotlinx.coroutines.job
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield

/** Kotlin cancellation of suspended receive/send: no trace left in the channel, no element lost. */
class ChannelCancellationSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("cancelling a suspended receive (CoJob.cancel) leaves no trace; the next send goes to a live receiver") {
        corunBounded {
            val ch = Channel<Int>(0)
            val cancelled = CompletableDeferred<Throwable>()
            val victim = go {
                try {
                    ch.receive()
                } catch (e: CancellationException) {
                    cancelled.complete(e)
                    throw e
                }
            }
            yieldUntil("victim parks") { ch.stats().consumerNum == 1 }
            victim.cancel()
            victim.join()
            (cancelled.await() is CancellationException) shouldBe true
            ch.stats().consumerNum shouldBe 0
            ch.send(1, 20.milliseconds) shouldBe Status.TIMEOUT // nobody takes it: the victim is gone
            val live = go { ch.receive() shouldBe 2 }
            yieldUntil("live receiver parks") { ch.stats().consumerNum == 1 }
            ch.send(2)
            live.join()
        }
    }

    test("Co.cancel(cid) of a Kotlin coroutine suspended in receive and in send leaves no trace") {
        corunBounded {
            val empty = Channel<Int>(0)
            val full = Channel<Int>(1)
            full.send(0)
            val r = go { empty.receive() }
            val s = go { full.send(1) }
            yieldUntil("both park") { empty.stats().consumerNum == 1 && full.stats().producerNum == 1 }
            Co.cancel(r.cid) shouldBe true
            Co.cancel(s.cid) shouldBe true
            r.join(); s.join()
            empty.stats() shouldBe Channel.Stats(0, 0, 0)
            full.stats() shouldBe Channel.Stats(0, 0, 1)
            full.receive() shouldBe 0
            full.receive(java.time.Duration.ZERO).status() shouldBe Status.TIMEOUT // the cancelled send's element was not added
        }
    }

    test("one cancellation hook per coroutine: after several completed waits, a cancel still reaches its current wait of any kind") {
        corunBounded {
            val ch = Channel<Int>(0)
            val tookTwo = CompletableDeferred<Unit>()
            val cancelled = CompletableDeferred<Throwable>()
            val victim = go {
                ch.receive() shouldBe 1
                ch.receive() shouldBe 2
                tookTwo.complete(Unit)
                try {
                    dev.corun.coSleep(1.hours) // a different kind of wait, under the same hook
                } catch (e: CancellationException) {
                    cancelled.complete(e)
                    throw e
                }
            }
            ch.send(1)
            ch.send(2)
            tookTwo.await()
            yieldUntil("victim sleeps") { Co.getBackTrace(victim.cid)?.any { it.methodName.contains("coSleep") } == true }
            victim.cancel()
            victim.join()
            (cancelled.await() is CancellationException) shouldBe true
        }
    }

    test("a coroutine cancelled while it runs fails its next receive at once instead of parking") {
        corunBounded {
            val ch = Channel<Int>(0)
            val outcome = CompletableDeferred<Throwable?>()
            go {
                ch.receive() // the first wait puts the hook on the job
                currentCoroutineContext().job.cancel() // cancelled while running, between waits
                outcome.complete(runCatching { ch.receive() }.exceptionOrNull())
            }
            ch.send(1)
            (outcome.await() is CancellationException) shouldBe true
            ch.stats().consumerNum shouldBe 0 // the failed receive left nothing queued
        }
    }

    test("a receive cancelled by withTimeoutOrNull leaves no trace") {
        corunBounded {
            val ch = Channel<Int>(0)
            repeat(20) { withTimeoutOrNull(1.milliseconds) { ch.receive() } shouldBe null }
            ch.stats().consumerNum shouldBe 0
        }
    }

    test("withTimeoutOrNull whose time ran out before the receive parked returns null, not a foreign CancellationException") {
        corunBounded {
            val ch = Channel<Int>(0)
            val r = withTimeoutOrNull(1.milliseconds) {
                while (currentCoroutineContext().isActive) Thread.onSpinWait() // until the timeout has cancelled this block
                ch.receive()
            }
            r shouldBe null
            ch.stats().consumerNum shouldBe 0
        }
    }

    for (capacity in listOf(0, 1, 8)) {
        test("stress, capacity $capacity: receivers cancelled at random while senders send; every sent element received exactly once") {
            val producers = 8
            val perProducer = 2_000
            val total = producers * perProducer
            val sentOk = AtomicIntegerArray(total)
            val received = AtomicIntegerArray(total)
            val cancels = AtomicInteger()
            corunBounded(90.seconds) {
                val ch = Channel<Int>(capacity)
                val senders = (0 until producers).map { p ->
                    go {
                        for (i in 0 until perProducer) {
                            val x = p * perProducer + i
                            ch.send(x)
                            sentOk.incrementAndGet(x)
                        }
                    }
                }
                val senderCids = senders.map { it.cid }.toLongArray()
                // a pool of receivers; a killer cancels random ones, mostly while they are suspended
                val receivers = java.util.concurrent.ConcurrentHashMap<Long, dev.corun.CoJob>()
                val done = java.util.concurrent.atomic.AtomicBoolean(false)
                fun startReceiver() {
                    val j = go {
                        while (true) {
                            val r = ch.receiveCatching()
                            if (!r.isOk) return@go
                            received.incrementAndGet(r.value())
                        }
                    }
                    receivers[j.cid] = j
                    j.job.invokeOnCompletion { receivers.remove(j.cid) }
                }
                repeat(6) { startReceiver() }
                val killer = go {
                    val rnd = ThreadLocalRandom.current()
                    while (!done.get()) {
                        val live = receivers.values.toList()
                        if (live.isNotEmpty()) {
                            live[rnd.nextInt(live.size)].cancel()
                            cancels.incrementAndGet()
                            startReceiver()
                        }
                        repeat(rnd.nextInt(1, 20)) { yield() }
                    }
                }
                dev.corun.coJoin(senderCids)
                done.set(true)
                killer.join()
                // every sender is done: drain with fresh receivers, then close
                startReceiver(); startReceiver()
                yieldUntil("the channel drains") { ch.length() == 0 && ch.stats().producerNum == 0 }
                ch.close()
                receivers.values.toList().forEach { it.join() }
                ch.stats() shouldBe Channel.Stats(0, 0, 0)
            }
            val lost = (0 until total).filter { sentOk.get(it) == 1 && received.get(it) == 0 }
            val dup = (0 until total).filter { received.get(it) > 1 }
            val ghost = (0 until total).filter { received.get(it) == 1 && sentOk.get(it) == 0 }
            Pair(lost.take(10), dup.take(10)) shouldBe Pair(emptyList(), emptyList())
            ghost shouldBe emptyList()
            (0 until total).count { sentOk.get(it) == 1 } shouldBe total
            (cancels.get() > 0) shouldBe true
        }
    }

    for ((round, cap) in listOf(0, 2, 2).withIndex()) test("stress ${round + 1}, capacity $cap: receivers with random short timeouts, withTimeoutOrNull, and cancels; nothing lost or duplicated") {
        val total = 10_000
        val received = AtomicIntegerArray(total)
        corunBounded(90.seconds) {
            val ch = Channel<Int>(cap)
            val sender = go { for (i in 0 until total) ch.send(i); ch.close() }
            val live = AtomicInteger()
            fun startReceiver(): dev.corun.CoJob {
                live.incrementAndGet()
                return go {
                    val rnd = ThreadLocalRandom.current()
                    try {
                        while (true) {
                            when (rnd.nextInt(3)) {
                                0 -> {
                                    val r = ch.receive(rnd.nextLong(0, 3).milliseconds)
                                    if (r.isOk) received.incrementAndGet(r.value()) else if (r.status() == Status.CLOSED) return@go
                                }
                                1 -> {
                                    // counted inside the block: kotlinx documents that withTimeoutOrNull may drop the
                                    // value of a block that completes as the timeout fires; that is not corun's to fix
                                    val closed = withTimeoutOrNull(rnd.nextLong(1, 3).milliseconds) {
                                        val v = ch.receiveCatching()
                                        if (v.isOk) received.incrementAndGet(v.value())
                                        !v.isOk
                                    }
                                    if (closed == true) return@go
                                }
                                else -> {
                                    val r = ch.receiveCatching()
                                    if (r.isOk) received.incrementAndGet(r.value()) else return@go
                                }
                            }
                        }
                    } finally {
                        live.decrementAndGet()
                    }
                }
            }
            val rs = ArrayList<dev.corun.CoJob>()
            repeat(4) { rs += startReceiver() }
            // cancel some of them mid-flight and replace them
            var k = 0
            while (!sender.isCompleted) {
                yieldUntil("someone receives") { true }
                if (k++ % 10 == 0) {
                    rs.removeAt(0).cancel()
                    rs += startReceiver()
                }
                yield()
            }
            rs.forEach { it.join() }
        }
        val lost = (0 until total).filter { received.get(it) == 0 }
        val dup = (0 until total).filter { received.get(it) > 1 }
        Pair(lost.take(10), dup.take(10)) shouldBe Pair(emptyList(), emptyList())
    }
})
