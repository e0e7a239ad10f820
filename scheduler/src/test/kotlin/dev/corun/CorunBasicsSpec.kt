package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeStrictlyIncreasing
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import java.util.Collections
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds

/** `corun {}` and `go {}`: values, waiting for every coroutine of the run, ids. */
class CorunBasicsSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("corun returns the value of its block") {
        corunBounded { 6 * 7 } shouldBe 42
        corunBounded { "text" } shouldBe "text"
        corunBounded { null as String? } shouldBe null
    }

    test("corun waits for every go started inside it, nested ones too, though the block returns first") {
        val innerDone = AtomicBoolean(false)
        val middleDone = AtomicBoolean(false)
        val jobs = Collections.synchronizedList(mutableListOf<CoJob>())
        val value = corunBounded {
            jobs += go {
                jobs += go {
                    jobs += go {
                        coSleep(50.milliseconds)
                        innerDone.set(true)
                    }
                    coSleep(20.milliseconds)
                }
                middleDone.set(true)
            }
            "main returned"
        }
        value shouldBe "main returned"
        innerDone.get() shouldBe true
        middleDone.get() shouldBe true
        jobs.size shouldBe 3
        jobs.forEach { Co.exists(it.cid) shouldBe false }
    }

    test("corun waits for a go started after the block suspended and resumed") {
        val done = AtomicBoolean(false)
        corunBounded {
            coSleep(10.milliseconds)
            coYield()
            go {
                coSleep(50.milliseconds)
                done.set(true)
            }
        }
        done.get() shouldBe true
    }

    test("corun waits for every go of a spawning loop, across its suspensions, though the block returns first") {
        val ended = AtomicInteger()
        val before = Co.stats().coroutineNum()
        corunBounded {
            repeat(1_000) { i ->
                go {
                    if (i % 7 == 0) coSleep(30.milliseconds) else coYield()
                    ended.incrementAndGet()
                }
                if (i % 150 == 149) coYield()
            }
        }
        ended.get() shouldBe 1_000
        Co.stats().coroutineNum() shouldBe before
    }

    test("outside any coroutine Co.getCid() and Co.getPcid() are -1") {
        Co.getCid() shouldBe -1L
        Co.getPcid() shouldBe -1L
        Co.getElapsed() shouldBe -1L
        corunBounded { }
        Co.getCid() shouldBe -1L
    }

    test("cids inside corun and go are positive, distinct and strictly increasing in start order") {
        val mainCid = AtomicLong()
        val seenInside = Collections.synchronizedList(mutableListOf<Long>())
        val returned = mutableListOf<Long>()
        corunBounded {
            mainCid.set(Co.getCid())
            repeat(50) {
                returned += go { seenInside += Co.getCid() }.cid
            }
        }
        mainCid.get() shouldBeGreaterThan 0L
        returned.shouldBeStrictlyIncreasing()
        returned.first() shouldBeGreaterThan mainCid.get()
        returned shouldNotContain mainCid.get()
        seenInside.sorted() shouldContainExactly returned
    }

    test("a later corun gets a greater main cid") {
        val a = corunBounded { Co.getCid() }
        val b = corunBounded { Co.getCid() }
        b shouldBeGreaterThan a
    }

    test("Co.getPcid() of a go started by the main coroutine is main's cid; main's own pcid is -1") {
        val results = corunBounded {
            val main = Co.getCid()
            val mainPcid = Co.getPcid()
            val childPcid = CompletableDeferred<Long>()
            val grandchildPcid = CompletableDeferred<Long>()
            val childCid = CompletableDeferred<Long>()
            val checked = CompletableDeferred<Unit>()
            val child = go {
                childCid.complete(Co.getCid())
                childPcid.complete(Co.getPcid())
                go { grandchildPcid.complete(Co.getPcid()) }
                checked.await() // alive until main has looked it up by cid
            }
            try {
                Co.getPcid(child.cid) shouldBe main
            } finally {
                checked.complete(Unit)
            }
            listOf(main, mainPcid, childPcid.await(), childCid.await(), grandchildPcid.await())
        }
        val (main, mainPcid, childPcid, childCid, grandchildPcid) = results
        mainPcid shouldBe -1L
        childPcid shouldBe main
        grandchildPcid shouldBe childCid
    }

    test("corun cannot be nested inside a coroutine") {
        val e = corunBounded {
            shouldThrow<IllegalStateException> { corun { 1 } }
        }
        e.message shouldContain "cannot be nested"
    }

    test("an exception thrown by the block of corun is rethrown by corun after the other coroutines end") {
        val childDone = AtomicBoolean(false)
        val e = shouldThrow<IllegalStateException> {
            corunBounded {
                go {
                    coSleep(50.milliseconds)
                    childDone.set(true)
                }
                throw IllegalStateException("main failed")
            }
        }
        e.message shouldBe "main failed"
        childDone.get() shouldBe true
    }

    test("a checked exception from a coroutine comes out of corun wrapped in a CompletionException") {
        val e = shouldThrow<java.util.concurrent.CompletionException> {
            corunBounded { go { throw java.io.IOException("disk") } }
        }
        (e.cause is java.io.IOException) shouldBe true
        e.cause!!.message shouldBe "disk"
    }
})
