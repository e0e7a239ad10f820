package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.Co
import dev.corun.CoJob
import dev.corun.Status
import dev.corun.coJoin
import dev.corun.corunBounded
import dev.corun.go
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.withTimeoutOrNull

/** The Kotlin suspend forms of WaitGroup and Barrier. */
class WaitGroupBarrierSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("many Kotlin and Java waiters are all released when the count reaches zero") {
        val released = AtomicInteger()
        corunBounded {
            val wg = WaitGroup(3)
            val gate = Channel<Unit>(0)
            val waiters = (1..50).map { go { wg.wait() shouldBe Status.OK; released.incrementAndGet() } }
            val javaWaiters = (1..10).map { Co.go { wg.await() shouldBe Status.OK; released.incrementAndGet() } }
            repeat(3) { go { gate.receive(); wg.done() } }
            released.get() shouldBe 0
            repeat(3) { gate.send(Unit) }
            waiters.forEach { it.join() }
            coJoin(javaWaiters.toLongArray()) shouldBe Status.OK
            wg.count() shouldBe 0
            wg.wait() shouldBe Status.OK // zero: returns at once
        }
        released.get() shouldBe 60
    }

    test("wait(timeout) reports TIMEOUT while work is outstanding and leaves no waiter; zero timeout does not wait") {
        corunBounded {
            val wg = WaitGroup()
            wg.add(2)
            wg.wait(30.milliseconds) shouldBe Status.TIMEOUT
            wg.wait(java.time.Duration.ofMillis(10)) shouldBe Status.TIMEOUT
            wg.wait(Duration.ZERO) shouldBe Status.TIMEOUT
            wg.toString() shouldContain "waiters=0"
            wg.done(); wg.done()
            wg.wait(Duration.ZERO) shouldBe Status.OK
            wg.wait(30.milliseconds) shouldBe Status.OK
        }
    }

    test("done() past zero throws IllegalStateException and changes nothing; the group is reusable") {
        corunBounded {
            val wg = WaitGroup()
            shouldThrow<IllegalStateException> { wg.done() }.message shouldContain "count stays 0"
            wg.count() shouldBe 0
            wg.add(1)
            shouldThrow<IllegalStateException> { wg.add(-2) }
            wg.count() shouldBe 1
            val w = go { wg.wait() shouldBe Status.OK }
            wg.done()
            w.join()
            // reuse
            wg.add()
            val w2 = go { wg.wait() shouldBe Status.OK }
            wg.done()
            w2.join()
        }
    }

    test("cancelling a suspended wait (CoJob.cancel, Co.cancel, withTimeoutOrNull) leaves no waiter behind") {
        corunBounded {
            val wg = WaitGroup(1)
            val a = go { shouldThrow<CancellationException> { wg.wait() }; throw CancellationException("done") }
            val b = go { wg.wait() }
            yieldUntil("both wait") { wg.toString().contains("waiters=2") }
            a.cancel()
            Co.cancel(b.cid) shouldBe true
            a.join(); b.join()
            withTimeoutOrNull(5.milliseconds) { wg.wait() } shouldBe null
            wg.toString() shouldContain "waiters=0"
            wg.done()
        }
    }

    test("Barrier: go(barrier) {} children, then wait() returns once they have all finished, however they end") {
        val finished = AtomicInteger()
        corunBounded {
            val barrier = Barrier()
            val gate = Channel<Unit>(0)
            val kids = ArrayList<CoJob>()
            repeat(10) { kids += go(barrier) { gate.receive(); finished.incrementAndGet() } }
            // one child is cancelled: its ticket is still returned
            val cancelled = go(barrier) { gate.receive() }
            barrier.pending() shouldBe 11
            barrier.wait(20.milliseconds) shouldBe Status.TIMEOUT
            cancelled.cancel()
            repeat(10) { gate.send(Unit) }
            barrier.wait() shouldBe Status.OK
            barrier.pending() shouldBe 0
            // Java children on the same barrier
            barrier.go { finished.incrementAndGet() }
            barrier.wait(10.seconds) shouldBe Status.OK
        }
        finished.get() shouldBe 11
    }

    test("a WaitGroup nobody will finish is a deadlock naming WaitGroup.wait()") {
        val e = shouldThrow<dev.corun.DeadlockException> { corunBounded(20.seconds) { WaitGroup(1).wait() } }
        e.message!! shouldContain "all coroutines (count: 1) are asleep - deadlock!"
        e.message!! shouldContain "WaitGroup.wait()"
    }
})
