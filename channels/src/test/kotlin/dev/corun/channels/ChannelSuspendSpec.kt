package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.Co
import dev.corun.CoOptions
import dev.corun.withOptions
import dev.corun.Status
import dev.corun.corunBounded
import dev.corun.go
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger

/** The Kotlin suspend forms of Channel between Kotlin coroutines in `corun`. */
class ChannelSuspendSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    for (capacity in listOf(0, 1, 4)) {
        test("capacity $capacity: 1000 elements sent by one coroutine are received in order by another") {
            val got = corunBounded {
                val ch = Channel<Int>(capacity)
                go { for (i in 1..1000) ch.send(i); ch.close() }
                val out = ArrayList<Int>()
                while (true) {
                    val r = ch.receiveCatching()
                    if (!r.isOk) {
                        r.status() shouldBe Status.CLOSED
                        break
                    }
                    out += r.value()
                }
                ch.stats() shouldBe Channel.Stats(0, 0, 0)
                out
            }
            got shouldBe (1..1000).toList()
        }
    }

    test("send and receive give way to coroutines waiting on their carrier, with preemption off") {
        // Loopers on a channel that never makes them wait hold every carrier (compensation off);
        // the coroutine one of them starts runs only if the monitor's request to give way is
        // honoured at a send or receive. Temporary carriers of earlier tests go first: one
        // retiring would hand its queued work to the global queue.
        awaitCondition("temporary carriers retired", 30.seconds) {
            Co.stats().carriers.none { it.temporary && it.state != "RETIRED" }
        }
        val stop = AtomicBoolean(false)
        withOptions(CoOptions().preemptiveScheduler(false).maxExtraCarriers(0)) {
            corunBounded(30.seconds) {
                val carriers = Co.options().carriers()
                val looping = AtomicInteger()
                repeat(carriers) { i ->
                    val own = Channel<Int>(1)
                    go {
                        looping.incrementAndGet()
                        if (i == 0) {
                            yieldUntil("every looper started") { looping.get() == carriers }
                            go { stop.set(true) } // queued on this looper's carrier, behind it
                        }
                        while (!stop.get()) {
                            own.send(1)
                            own.receive()
                        }
                    }
                }
            }
        }
        stop.get() shouldBe true
    }

    test("rendezvous: send suspends until a receiver takes the element") {
        corunBounded {
            val ch = Channel<String>(0)
            var sent = false
            val sender = go { ch.send("x"); sent = true }
            yieldUntil("the sender parks") { ch.stats().producerNum == 1 }
            sent shouldBe false
            ch.receive() shouldBe "x"
            sender.join()
            sent shouldBe true
        }
    }

    test("buffered: sends do not suspend until the buffer is full") {
        corunBounded {
            val ch = Channel<Int>(3)
            ch.send(1); ch.send(2); ch.send(3)
            ch.length() shouldBe 3
            ch.isFull() shouldBe true
            ch.send(4, Duration.ZERO) shouldBe Status.TIMEOUT
            ch.receive() shouldBe 1
            ch.send(4, Duration.ZERO) shouldBe Status.OK
            listOf(ch.receive(), ch.receive(), ch.receive()) shouldBe listOf(2, 3, 4)
        }
    }

    test("receiveCatching after close drains the buffer, then reports CLOSED, every time") {
        corunBounded {
            val ch = Channel<Int>(5)
            for (i in 1..3) ch.send(i)
            ch.close() shouldBe true
            ch.close() shouldBe false
            (1..3).map { ch.receiveCatching().value() } shouldBe listOf(1, 2, 3)
            repeat(3) {
                val r = ch.receiveCatching()
                r.status() shouldBe Status.CLOSED
                r.value() shouldBe null
            }
        }
    }

    test("receive on a closed, drained channel throws ChannelClosedException; send on a closed one throws it") {
        corunBounded {
            val ch = Channel<Int>(1)
            ch.send(7)
            ch.close()
            ch.receive() shouldBe 7
            shouldThrow<ChannelClosedException> { ch.receive() }
            shouldThrow<ChannelClosedException> { ch.send(8) }
            ch.send(8, 50.milliseconds) shouldBe Status.CLOSED
            ch.receive(50.milliseconds).status() shouldBe Status.CLOSED
            ch.length() shouldBe 0
        }
    }

    test("close wakes a suspended receiver (ChannelClosedException) and a suspended sender (its element not added)") {
        corunBounded {
            val empty = Channel<Int>(0)
            val receiver = go { shouldThrow<ChannelClosedException> { empty.receive() } }
            val full = Channel<Int>(1)
            full.send(1)
            val sender = go { shouldThrow<ChannelClosedException> { full.send(2) } }
            yieldUntil("both park") { empty.stats().consumerNum == 1 && full.stats().producerNum == 1 }
            empty.close(); full.close()
            receiver.join(); sender.join()
            full.receive() shouldBe 1
            full.receiveCatching().status() shouldBe Status.CLOSED
        }
    }

    test("receive(50 ms) on an empty channel times out and leaves no trace; a later send goes to a live receiver") {
        corunBounded {
            val ch = Channel<Int>(0)
            ch.receive(50.milliseconds).status() shouldBe Status.TIMEOUT
            ch.receive(java.time.Duration.ofMillis(20)).status() shouldBe Status.TIMEOUT
            ch.stats().consumerNum shouldBe 0
            val live = go { ch.receive() shouldBe 42 }
            yieldUntil("the live receiver parks") { ch.stats().consumerNum == 1 }
            ch.send(42)
            live.join()
            ch.stats() shouldBe Channel.Stats(0, 0, 0)
        }
    }

    test("send(x, 50 ms) on a full channel times out, the element is not added, and no sender stays queued") {
        corunBounded {
            val ch = Channel<Int>(1)
            ch.send(1)
            ch.send(2, 50.milliseconds) shouldBe Status.TIMEOUT
            ch.send(2, java.time.Duration.ofMillis(20)) shouldBe Status.TIMEOUT
            ch.stats() shouldBe Channel.Stats(0, 0, 1)
            ch.receive() shouldBe 1
            ch.receive(Duration.ZERO).status() shouldBe Status.TIMEOUT
            val rendezvous = Channel<Int>(0)
            rendezvous.send(1, 30.milliseconds) shouldBe Status.TIMEOUT
            rendezvous.stats().producerNum shouldBe 0
        }
    }

    test("zero timeouts do not wait; they succeed when no wait is needed") {
        corunBounded {
            val ch = Channel<Int>(0)
            ch.send(1, Duration.ZERO) shouldBe Status.TIMEOUT
            ch.receive(Duration.ZERO).status() shouldBe Status.TIMEOUT
            ch.stats() shouldBe Channel.Stats(0, 0, 0)
            // with a partner already parked, a zero timeout succeeds
            val r = go { ch.receive() shouldBe 5 }
            yieldUntil("receiver parks") { ch.stats().consumerNum == 1 }
            ch.send(5, Duration.ZERO) shouldBe Status.OK
            r.join()
            val s = go { ch.send(6) }
            yieldUntil("sender parks") { ch.stats().producerNum == 1 }
            ch.receive(Duration.ZERO).value() shouldBe 6
            s.join()
        }
    }

    test("negative and null timeouts wait forever (until the element arrives)") {
        corunBounded {
            val ch = Channel<Int>(0)
            val r = go { ch.receive((-1).milliseconds).value() shouldBe 9 }
            yieldUntil("receiver parks") { ch.stats().consumerNum == 1 }
            ch.send(9, null as Duration?) shouldBe Status.OK
            r.join()
        }
    }

    test("waiters are served first come, first served") {
        val order = corunBounded {
            val ch = Channel<Int>(0)
            val got = java.util.concurrent.ConcurrentLinkedQueue<Pair<Int, Int>>()
            val jobs = (0 until 5).map { k ->
                val j = go { got += k to ch.receive() }
                yieldUntil("receiver $k parks") { ch.stats().consumerNum == k + 1 }
                j
            }
            for (i in 0 until 5) ch.send(100 + i)
            jobs.forEach { it.join() }
            got.sortedBy { it.first }
        }
        order shouldBe (0 until 5).map { it to 100 + it }
    }

    test("null elements are refused by the Java forms") {
        val ch = Channel<Any>(1)
        @Suppress("UNCHECKED_CAST")
        shouldThrow<NullPointerException> { (ch as Channel<Any?>).trySend(null) }.message shouldContain "null"
    }
})
