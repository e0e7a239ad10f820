package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.GlobalScope
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Deadlock detection of `corun` for Kotlin coroutines: no misses, no false positives. */
class DeadlockSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("two Kotlin coroutines coJoin-ing each other with no timeout make corun fail with DeadlockException") {
        val a = AtomicLong()
        val b = AtomicLong()
        val e = shouldThrow<DeadlockException> {
            corunBounded(20.seconds) {
                val bCid = CompletableDeferred<Long>()
                val ja = go(name = "waits-for-b") { coJoin(longArrayOf(bCid.await())) }
                val jb = go(name = "waits-for-a") { coJoin(longArrayOf(ja.cid)) }
                a.set(ja.cid)
                b.set(jb.cid)
                bCid.complete(jb.cid)
                // main returns: the run is left with exactly the two of them
            }
        }
        e.message!! shouldStartWith "all coroutines (count: 2) are asleep - deadlock!"
        e.count shouldBe 2
        e.message!! shouldContain "coroutine ${a.get()} [waits-for-b] waiting on coJoin([${b.get()}])"
        e.message!! shouldContain "coroutine ${b.get()} [waits-for-a] waiting on coJoin([${a.get()}])"

        // the deadlocked coroutines were cancelled: they end, and the runtime goes on working
        corunBounded { coJoin(longArrayOf(a.get(), b.get()), 10.seconds) } shouldBe Status.OK
        Co.exists(a.get()) shouldBe false
        Co.exists(b.get()) shouldBe false
    }

    test("no deadlock while one coroutine coSleeps 200 ms and the other coJoins it") {
        val result = corunBounded(20.seconds) {
            val sleeper = go { coSleep(200.milliseconds) }
            go { coJoin(longArrayOf(sleeper.cid)) shouldBe Status.OK }
            "done"
        }
        result shouldBe "done"
    }

    test("no deadlock while the main coroutine also coJoins, with no timeout, a coroutine that sleeps") {
        corunBounded(20.seconds) {
            val sleeper = go { coSleep(200.milliseconds) }
            val joiner = go { coJoin(longArrayOf(sleeper.cid)) shouldBe Status.OK }
            coJoin(longArrayOf(joiner.cid)) shouldBe Status.OK
            Co.exists(sleeper.cid) shouldBe false
        }
    }

    test("a deadlock is reported when the main coroutine waits on the pair with CoJob.join()") {
        // CoJob.join() is the corun way to wait for a go {}; the run is as stuck as with coJoin
        val e = shouldThrow<DeadlockException> {
            corunBounded(10.seconds) {
                val bCid = CompletableDeferred<Long>()
                val ja = go { coJoin(longArrayOf(bCid.await())) }
                val jb = go { coJoin(longArrayOf(ja.cid)) }
                bCid.complete(jb.cid)
                ja.join()
            }
        }
        e.message!! shouldStartWith "all coroutines (count: 3) are asleep - deadlock!"
    }

    test("a deadlock among coroutines started by one loop is reported with their exact count") {
        // Many members in one report: each is found in its wait and counted once.
        val e = shouldThrow<DeadlockException> {
            corunBounded(10.seconds) {
                val main = Co.getCid()
                val first = go { coJoin(longArrayOf(main)) }
                repeat(99) { go { coJoin(longArrayOf(main)) } }
                coJoin(longArrayOf(first.cid))
            }
        }
        e.message!! shouldStartWith "all coroutines (count: 101) are asleep - deadlock!"
    }

    test("no deadlock when the run coJoins, with no timeout, a coroutine outside the run that is still working") {
        // a coroutine started from a plain thread belongs to no run; it is alive and will end
        val outsider = GlobalScope.go(name = "outside-any-run") { coSleep(400.milliseconds) }
        Co.exists(outsider.cid) shouldBe true
        val status = corunBounded(20.seconds) { coJoin(longArrayOf(outsider.cid)) }
        status shouldBe Status.OK
    }
})
