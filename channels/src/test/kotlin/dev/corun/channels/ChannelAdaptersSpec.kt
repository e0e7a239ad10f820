package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.Status
import dev.corun.corunBounded
import dev.corun.go
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.Flow
import java.util.concurrent.SubmissionPublisher
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.cancel
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.jdk9.asPublisher as flowAsPublisher
import kotlinx.coroutines.job

/** A subscriber that records what it gets, and requests only what the test asks for. */
private class RecordingSubscriber<T> : Flow.Subscriber<T> {
    val items = ConcurrentLinkedQueue<T>()
    val subscription = AtomicReference<Flow.Subscription?>()
    @Volatile var completed = false
    @Volatile var error: Throwable? = null
    val onNextOffCarrierCheck = AtomicReference<String?>()

    override fun onSubscribe(s: Flow.Subscription) { subscription.set(s) }
    override fun onNext(item: T) { items += item }
    override fun onError(t: Throwable) { error = t }
    override fun onComplete() { completed = true }
    fun request(n: Long) = subscription.get()!!.request(n)
}

/** Channel <-> kotlinx Flow and java.util.concurrent.Flow adapters. */
class ChannelAdaptersSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    // ---- asFlow -------------------------------------------------------------------------------

    test("asFlow delivers every element in order and completes when the channel is closed and drained") {
        val got = corunBounded {
            val ch = Channel<Int>(0)
            go { for (i in 1..300) ch.send(i); ch.close() }
            ch.asFlow().toList()
        }
        got shouldBe (1..300).toList()
    }

    test("asFlow: several collectors share the elements, each exactly once") {
        val seen = ConcurrentLinkedQueue<Int>()
        corunBounded {
            val ch = Channel<Int>(4)
            val collectors = (1..3).map { go { ch.asFlow().collect { seen += it } } }
            for (i in 1..3000) ch.send(i)
            ch.close()
            collectors.forEach { it.join() }
        }
        seen.sorted() shouldBe (1..3000).toList()
    }

    test("asFlow().take(3) takes three and leaves the rest in the channel") {
        corunBounded {
            val ch = Channel<Int>(10)
            for (i in 1..10) ch.send(i)
            ch.asFlow().take(3).toList() shouldBe listOf(1, 2, 3)
            ch.length() shouldBe 7
            ch.stats().consumerNum shouldBe 0
        }
    }

    test("asFlow: an element is not lost when the collecting coroutine is cancelled between two elements") {
        // The collector is cancelled while handling element 2 (here by itself, which makes the race with an
        // outside canceller deterministic). asFlow's next receive takes 3 at once (no suspension), and
        // emit() then throws the cancellation before handing 3 to anyone: 3 is gone.
        corunBounded {
            val ch = Channel<Int>(10)
            for (i in 1..5) ch.send(i)
            val got = ConcurrentLinkedQueue<Int>()
            val collector = go {
                ch.asFlow().collect {
                    got += it
                    if (it == 2) currentCoroutineContext().job.cancel()
                }
            }
            collector.join()
            got.toList() shouldBe listOf(1, 2)
            val left = ArrayList<Int>()
            while (true) left += ch.tryReceive().takeIf { it.isOk }?.value() ?: break
            left shouldBe listOf(3, 4, 5)
        }
    }

    test("asFlow from a plain thread (runBlocking-free: collected in a Java-fed corun) sees a Java producer's elements") {
        val got = corunBounded {
            val ch = Channel<String>(2)
            dev.corun.Co.go { for (s in listOf("a", "b", "c")) ch.push(s); ch.close() }
            ch.asFlow().map { it.uppercase() }.toList()
        }
        got shouldBe listOf("A", "B", "C")
    }

    // ---- asPublisher --------------------------------------------------------------------------

    test("asPublisher respects request(n): no more than requested is delivered or taken from the channel") {
        val ch = Channel<Int>(10)
        for (i in 1..10) ch.trySend(i) shouldBe Status.OK
        val sub = RecordingSubscriber<Int>()
        ch.asPublisher().subscribe(sub)
        awaitCondition("onSubscribe") { sub.subscription.get() != null }
        sub.items.size shouldBe 0
        ch.length() shouldBe 10 // nothing taken before any demand
        sub.request(3)
        awaitCondition("3 delivered") { sub.items.size == 3 }
        // the publisher stops after the 3rd: element 4 stays in the channel
        awaitCondition("the publisher idles") { ch.length() == 7 }
        sub.items.toList() shouldBe listOf(1, 2, 3)
        sub.request(2)
        awaitCondition("5 delivered") { sub.items.size == 5 }
        ch.length() shouldBe 5
        sub.items.size shouldBe 5
        sub.completed shouldBe false
        ch.close()
        sub.completed shouldBe false // still 5 elements to drain, no demand
        sub.request(Long.MAX_VALUE)
        awaitCondition("completion") { sub.completed }
        sub.items.toList() shouldBe (1..10).toList()
        sub.error shouldBe null
    }

    test("asPublisher completes on close, also when the subscriber waits with outstanding demand; fed from Kotlin coroutines") {
        val sub = RecordingSubscriber<Int>()
        corunBounded {
            val ch = Channel<Int>(0)
            ch.asPublisher().subscribe(sub)
            yieldUntil("onSubscribe") { sub.subscription.get() != null }
            sub.request(1000)
            for (i in 1..100) ch.send(i)
            yieldUntil("the publisher waits in receive") { ch.stats().consumerNum == 1 }
            ch.close()
            yieldUntil("completion") { sub.completed }
        }
        sub.items.toList() shouldBe (1..100).toList()
    }

    test("asPublisher: cancelling the subscription leaves the rest in the channel and the publisher's receive goes away") {
        val ch = Channel<Int>(0)
        val sub = RecordingSubscriber<Int>()
        ch.asPublisher().subscribe(sub)
        awaitCondition("onSubscribe") { sub.subscription.get() != null }
        sub.request(5)
        awaitCondition("the publisher waits in receive") { ch.stats().consumerNum == 1 }
        sub.subscription.get()!!.cancel()
        awaitCondition("the receive was cancelled") { ch.stats().consumerNum == 0 }
        ch.trySend(1) shouldBe Status.TIMEOUT // nobody receives any more
        sub.items.size shouldBe 0
    }

    test("asPublisher: onNext runs on a corun carrier, where the blocking forms are refused") {
        val ch = Channel<Int>(1)
        val other = Channel<Int>(1)
        val refused = AtomicReference<Throwable?>()
        val seen = AtomicInteger()
        ch.asPublisher().subscribe(object : Flow.Subscriber<Int> {
            override fun onSubscribe(s: Flow.Subscription) = s.request(1)
            override fun onNext(item: Int) {
                refused.set(runCatching { other.pop() }.exceptionOrNull())
                seen.set(item)
            }
            override fun onError(t: Throwable) {}
            override fun onComplete() {}
        })
        ch.trySend(7)
        awaitCondition("onNext") { seen.get() == 7 }
        (refused.get() is IllegalStateException) shouldBe true
        refused.get()!!.message shouldContain "receive()"
        ch.close()
    }

    // ---- Flow / Publisher -> Channel ----------------------------------------------------------

    for (capacity in listOf(0, 4)) {
        test("capacity $capacity: Flow.toChannel delivers every element in order, then the channel is closed") {
            val got = corunBounded {
                val ch = (1..500).asFlow().map { it * 2 }.toChannel(this, capacity)
                ch.capacity() shouldBe capacity
                ch.asFlow().toList()
            }
            got shouldBe (1..500).map { it * 2 }
        }
    }

    test("Flow.toChannel applies back-pressure: the flow runs at most capacity + 1 ahead of the consumer") {
        val emitted = AtomicInteger()
        corunBounded {
            val ch = (1..100).asFlow().onEach { emitted.incrementAndGet() }.toChannel(this, 3)
            yieldUntil("the producer fills the channel and parks") { ch.stats().producerNum == 1 }
            emitted.get() shouldBe 4
            ch.length() shouldBe 3
            ch.asFlow().toList() shouldBe (1..100).toList()
        }
    }

    test("Flow.toChannel: closing the channel early stops the producer quietly and cancels the flow") {
        val cancelledUpstream = AtomicReference<Throwable?>()
        corunBounded {
            val infinite = flow {
                try {
                    var i = 0
                    while (true) emit(i++)
                } catch (e: Throwable) {
                    cancelledUpstream.set(e)
                    throw e
                }
            }
            val ch = infinite.toChannel(this, 0)
            ch.receive() shouldBe 0
            ch.receive() shouldBe 1
            ch.close()
        } // corun returns normally: the producer ended quietly
        (cancelledUpstream.get() is kotlinx.coroutines.CancellationException) shouldBe true
    }

    test("Flow.toChannel: a failing flow closes the channel and its failure fails the run") {
        val received = ConcurrentLinkedQueue<Int>()
        val e = shouldThrow<IllegalArgumentException> {
            corunBounded {
                val ch = flow { emit(1); emit(2); throw IllegalArgumentException("boom") }.toChannel(this, 0)
                ch.asFlow().collect { received += it }
            }
        }
        e.message shouldBe "boom"
        received.toList() shouldBe listOf(1, 2)
    }

    test("Flow.toChannel: cancelling the scope's job cancels the producer and closes the channel") {
        corunBounded {
            val scopeJob = Job()
            val ch = flow { var i = 0; while (true) emit(i++) }.toChannel(CoroutineScope(scopeJob), 0)
            ch.receive() shouldBe 0
            scopeJob.cancel()
            yieldUntil("the channel is closed") { ch.isClosed }
        }
    }

    test("Publisher.toChannel (a JDK SubmissionPublisher fed by a plain thread) delivers everything, then closes") {
        val got = corunBounded {
            val pub = SubmissionPublisher<Int>(Dispatchers.Default.asExecutor(), 8)
            val ch = pub.toChannel(2)
            // SubmissionPublisher drops items submitted before anyone subscribed: start feeding after the subscription
            val feeder = Thread {
                awaitCondition("toChannel subscribed") { pub.numberOfSubscribers == 1 }
                for (i in 1..2000) pub.submit(i)
                pub.close()
            }
            feeder.start()
            ch.asFlow().toList()
        }
        got shouldBe (1..2000).toList()
    }

    test("Publisher.toChannel requests only as the channel is drained; closing the channel cancels the subscription") {
        val emitted = AtomicInteger()
        corunBounded {
            val pub = (1..1_000_000).asFlow().onEach { emitted.incrementAndGet() }.flowAsPublisher(Dispatchers.Default)
            val ch = pub.toChannel(0)
            for (i in 1..10) ch.receive() shouldBe i
            ch.close()
        }
        emitted.get() shouldBeLessThanOrEqual 20 // 10 taken, a few in flight
    }

    test("Publisher.toChannel: onError closes the channel and fails the run with the error") {
        val e = shouldThrow<IllegalStateException> {
            corunBounded {
                val pub = flow { emit(1); throw IllegalStateException("publisher failed") }.flowAsPublisher(Dispatchers.Default)
                val ch = pub.toChannel(0)
                ch.receive() shouldBe 1
                ch.receiveCatching().status() shouldBe Status.CLOSED
            }
        }
        e.message shouldBe "publisher failed"
    }

    test("sendAll(flow) and sendAll(publisher) send everything and do not close the channel") {
        corunBounded {
            val ch = Channel<Int>(0)
            go {
                ch.sendAll((1..5).asFlow())
                ch.sendAll((6..10).asFlow().flowAsPublisher(Dispatchers.Default))
                ch.isClosed shouldBe false
                ch.close()
            }
            ch.asFlow().toList() shouldBe (1..10).toList()
        }
    }

    test("asPublisher -> toChannel round trip through kotlinx's and corun's back-pressure") {
        val got = corunBounded {
            val src = Channel<Int>(3)
            go { for (i in 1..1000) src.send(i); src.close() }
            src.asPublisher().toChannel(1).asFlow().toList()
        }
        got shouldBe (1..1000).toList()
    }
})

private fun kotlinx.coroutines.CoroutineDispatcher.asExecutor(): java.util.concurrent.Executor = java.util.concurrent.Executor { r -> dispatch(kotlin.coroutines.EmptyCoroutineContext, r) }
