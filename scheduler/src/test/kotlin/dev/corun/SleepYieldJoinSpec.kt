package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** `coSleep`, `coYield` and `coJoin`. */
class SleepYieldJoinSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("coSleep with a kotlin.time or a java.time Duration suspends at least that long") {
        corunBounded {
            val t0 = TimeSource.Monotonic.markNow()
            coSleep(30.milliseconds)
            t0.elapsedNow().inWholeMilliseconds shouldBeGreaterThanOrEqual 30L
            val t1 = TimeSource.Monotonic.markNow()
            coSleep(java.time.Duration.ofMillis(30))
            t1.elapsedNow().inWholeMilliseconds shouldBeGreaterThanOrEqual 30L
            coSleep(Duration.ZERO)
            coSleep(java.time.Duration.ZERO)
        }
    }

    test("coSleep rejects a negative duration, in both overloads") {
        corunBounded {
            shouldThrow<IllegalArgumentException> { coSleep((-1).milliseconds) }.message shouldContain "negative"
            shouldThrow<IllegalArgumentException> { coSleep(java.time.Duration.ofMillis(-1)) }.message shouldContain "negative"
        }
    }

    test("1000 coroutines each sleeping 100 ms sleep concurrently: seconds, not 100 s") {
        val woke = AtomicInteger()
        val t0 = TimeSource.Monotonic.markNow()
        corunBounded(60.seconds) {
            repeat(1000) {
                go {
                    coSleep(100.milliseconds)
                    woke.incrementAndGet()
                }
            }
        }
        woke.get() shouldBe 1000
        t0.elapsedNow().inWholeSeconds shouldBeLessThan 30L
    }

    test("coYield lets the other ready coroutines run (4 yield loops on 2 carriers, compensation off)") {
        val parties = 4
        val arrived = AtomicInteger()
        val yields = AtomicInteger()
        withOptions(CoOptions().maxExtraCarriers(0)) {
            corunBounded(20.seconds) {
                val me = Co.getCid()
                repeat(parties) {
                    go {
                        val cid = Co.getCid()
                        arrived.incrementAndGet()
                        // without a real yield, two of these would hold both carriers forever
                        while (arrived.get() < parties) {
                            coYield()
                            yields.incrementAndGet()
                            Co.getCid() shouldBe cid
                        }
                    }
                }
                Co.getCid() shouldBe me
            }
        }
        arrived.get() shouldBe parties
    }

    test("coJoin returns OK once every target (Kotlin and Java) has ended") {
        corunBounded {
            val kotlinGate = CompletableDeferred<Unit>()
            val javaGate = CountDownLatch(1)
            val k = go { kotlinGate.await() }
            val j = Co.go { javaGate.await(30, TimeUnit.SECONDS) }
            val waiter = go {
                coJoin(longArrayOf(k.cid, j)) shouldBe Status.OK
                Co.exists(k.cid) shouldBe false
                Co.exists(j) shouldBe false
            }
            coYield()
            waiter.isActive shouldBe true
            kotlinGate.complete(Unit)
            javaGate.countDown()
            waiter.join()
            coJoin(longArrayOf(k.cid, j), 5.seconds) shouldBe Status.OK
        }
    }

    test("a Java coroutine's Co.join waits for a Kotlin coroutine") {
        corunBounded {
            val gate = CompletableDeferred<Unit>()
            val k = go { gate.await() }
            val result = CompletableDeferred<Status>()
            Co.go { result.complete(Co.join(longArrayOf(k.cid), java.time.Duration.ofSeconds(20))) }
            coSleep(20.milliseconds)
            result.isCompleted shouldBe false
            gate.complete(Unit)
            result.await() shouldBe Status.OK
        }
    }

    test("coJoin with a timeout on a coroutine that does not end returns TIMEOUT (kotlin.time and java.time)") {
        corunBounded {
            val gate = CompletableDeferred<Unit>()
            val never = go { gate.await() }
            val t0 = TimeSource.Monotonic.markNow()
            coJoin(longArrayOf(never.cid), 50.milliseconds) shouldBe Status.TIMEOUT
            t0.elapsedNow().inWholeMilliseconds shouldBeGreaterThanOrEqual 50L
            coJoin(longArrayOf(never.cid), java.time.Duration.ofMillis(20)) shouldBe Status.TIMEOUT
            Co.exists(never.cid) shouldBe true
            gate.complete(Unit)
            coJoin(longArrayOf(never.cid), 10.seconds) shouldBe Status.OK
        }
    }

    test("coJoin returns OK at once for unknown, already ended and no cids") {
        corunBounded {
            val ended = go { }
            ended.join()
            coJoin(longArrayOf()) shouldBe Status.OK
            coJoin(longArrayOf(ended.cid)) shouldBe Status.OK
            coJoin(longArrayOf(Long.MAX_VALUE, 0L, -5L)) shouldBe Status.OK
            coJoin(longArrayOf(ended.cid, Long.MAX_VALUE), 5.seconds) shouldBe Status.OK
            coJoin(longArrayOf(ended.cid), null as java.time.Duration?) shouldBe Status.OK
        }
    }

    test("coJoin with a zero timeout polls, as Co.join does: OK for ended targets, TIMEOUT for live ones") {
        val javaAnswers = Collections.synchronizedList(mutableListOf<Status>())
        val kotlinAnswers = corunBounded {
            val ended = go { }
            ended.join()
            val gate = CompletableDeferred<Unit>()
            val live = go { gate.await() }
            try {
                // the Java form, for reference
                val javaJoiner = Co.go {
                    javaAnswers += Co.join(longArrayOf(ended.cid), java.time.Duration.ZERO)
                    javaAnswers += Co.join(longArrayOf(live.cid), java.time.Duration.ZERO)
                }
                coJoin(longArrayOf(javaJoiner), 10.seconds) shouldBe Status.OK
                listOf(
                    coJoin(longArrayOf(ended.cid), Duration.ZERO),
                    coJoin(longArrayOf(live.cid), Duration.ZERO),
                    coJoin(longArrayOf(ended.cid), java.time.Duration.ZERO),
                )
            } finally {
                gate.complete(Unit)
            }
        }
        javaAnswers shouldBe listOf(Status.OK, Status.TIMEOUT)
        kotlinAnswers shouldBe listOf(Status.OK, Status.TIMEOUT, Status.OK)
    }

    test("coJoin rejects joining the calling coroutine itself, with and without a timeout") {
        corunBounded {
            val me = Co.getCid()
            shouldThrow<IllegalArgumentException> { coJoin(longArrayOf(me)) }.message shouldContain "itself"
            shouldThrow<IllegalArgumentException> { coJoin(longArrayOf(Long.MAX_VALUE, me), 1.seconds) }
            shouldThrow<IllegalArgumentException> { coJoin(longArrayOf(me), java.time.Duration.ofSeconds(1)) }
            val errors = Collections.synchronizedList(mutableListOf<Throwable>())
            go {
                try {
                    coJoin(longArrayOf(Co.getCid()))
                } catch (e: IllegalArgumentException) {
                    errors += e
                }
            }.join()
            errors.size shouldBe 1
        }
    }

    test("a Kotlin coroutine cancelled while in coJoin stops waiting; the target is unaffected") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        corunBounded {
            val gate = CompletableDeferred<Unit>()
            val target = go { gate.await(); log += "target ended" }
            val joining = CompletableDeferred<Unit>()
            val joiner = go {
                joining.complete(Unit)
                coJoin(longArrayOf(target.cid))
                log += "joiner returned"
            }
            joining.await()
            Co.cancel(joiner.cid) shouldBe true
            joiner.join()
            joiner.job.isCancelled shouldBe true
            target.isActive shouldBe true
            gate.complete(Unit)
        }
        log shouldBe listOf("target ended")
    }
})
