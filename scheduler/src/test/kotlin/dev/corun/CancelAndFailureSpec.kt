package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.CompletableDeferred
import java.util.Collections
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private class FirstFailure(message: String) : RuntimeException(message)
private class SecondFailure(message: String) : RuntimeException(message)

/** `Co.cancel` of Kotlin coroutines, and uncaught exceptions in `go {}`. */
class CancelAndFailureSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("Co.cancel of a Kotlin coroutine in coSleep cancels it; corun returns normally") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        val jobRef = AtomicReference<CoJob>()
        val value = corunBounded {
            val sleeping = CompletableDeferred<Unit>()
            val job = go(name = "sleeper") {
                sleeping.complete(Unit)
                try {
                    coSleep(1.hours)
                    log += "slept"
                } catch (e: kotlinx.coroutines.CancellationException) {
                    log += "cancelled"
                    throw e
                }
            }
            jobRef.set(job)
            sleeping.await()
            Co.exists(job.cid) shouldBe true
            Co.cancel(job.cid) shouldBe true
            coJoin(longArrayOf(job.cid), 10.seconds) shouldBe Status.OK
            Co.exists(job.cid) shouldBe false
            Co.cancel(job.cid) shouldBe false
            "normal"
        }
        value shouldBe "normal"
        log shouldContainExactly listOf("cancelled")
        jobRef.get().job.isCancelled shouldBe true
        jobRef.get().isCompleted shouldBe true
    }

    test("CoJob.cancel() cancels like Co.cancel(cid)") {
        val jobRef = AtomicReference<CoJob>()
        corunBounded {
            val started = CompletableDeferred<Unit>()
            val job = go { started.complete(Unit); coSleep(1.hours) }
            jobRef.set(job)
            started.await()
            job.cancel()
            job.join()
        }
        jobRef.get().job.isCancelled shouldBe true
    }

    test("Co.cancel of a Kotlin coroutine from a plain thread works, and a coroutine cannot cancel itself") {
        corunBounded {
            val started = CompletableDeferred<Unit>()
            val job = go { started.complete(Unit); coSleep(1.hours) }
            started.await()
            val fromThread = CompletableDeferred<Boolean>()
            Thread { fromThread.complete(Co.cancel(job.cid)) }.start()
            fromThread.await() shouldBe true
            job.join()
            job.job.isCancelled shouldBe true
            shouldThrow<IllegalArgumentException> { Co.cancel(Co.getCid()) }.message shouldContain "itself"
        }
    }

    test("an uncaught exception in a Kotlin go cancels neither its siblings nor its parent; corun throws it after all end") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        val jobs = Collections.synchronizedList(mutableListOf<CoJob>())
        val e = shouldThrow<FirstFailure> {
            corunBounded {
                val failing = go(name = "failing") { throw FirstFailure("first") }
                jobs += failing
                val sibling = go {
                    coJoin(longArrayOf(failing.cid)) shouldBe Status.OK
                    coSleep(30.milliseconds)
                    log += "sibling finished"
                }
                jobs += sibling
                val child = go {
                    val grandchild = go {
                        coSleep(30.milliseconds)
                        log += "grandchild finished"
                    }
                    coJoin(longArrayOf(grandchild.cid)) shouldBe Status.OK
                    log += "child finished"
                }
                jobs += child
                failing.join()
                failing.job.isCancelled shouldBe true
                coSleep(20.milliseconds) // the main coroutine is still alive after a child failed
                sibling.isActive shouldBe true
                log += "main finished"
            }
        }
        e.message shouldBe "first"
        e.suppressed.size shouldBe 0
        log shouldContainExactlyInAnyOrder listOf("sibling finished", "grandchild finished", "child finished", "main finished")
        jobs[1].job.isCancelled shouldBe false
        jobs[2].job.isCancelled shouldBe false
    }

    test("a second uncaught exception is suppressed into the first") {
        val e = shouldThrow<FirstFailure> {
            corunBounded {
                val first = go { throw FirstFailure("first") }
                go {
                    coJoin(longArrayOf(first.cid)) shouldBe Status.OK
                    throw SecondFailure("second")
                }
            }
        }
        e.message shouldBe "first"
        e.suppressed.map { it::class } shouldBe listOf(SecondFailure::class)
        e.suppressed[0].message shouldBe "second"
    }

    test("a cancelled coroutine is not a failure even when another one fails") {
        val e = shouldThrow<FirstFailure> {
            corunBounded {
                val started = CompletableDeferred<Unit>()
                val sleeper = go { started.complete(Unit); coSleep(1.hours) }
                started.await()
                sleeper.cancel()
                sleeper.join()
                go { throw FirstFailure("only") }
            }
        }
        e.suppressed.size shouldBe 0
    }

    test("corun whose main coroutine is cancelled throws CancellationException instead of returning a null value") {
        val outcome = runCatching {
            corunBounded {
                val main = Co.getCid()
                go { Co.cancel(main) shouldBe true }
                coSleep(1.hours)
                42
            }
        }
        // a corun<Int> must not hand back null; kotlinx's runBlocking throws in this case
        outcome.exceptionOrNull().shouldBeInstanceOf<kotlinx.coroutines.CancellationException>()
    }

    test("Co.exit(status) in a Kotlin go ends it (defers run) and corun rethrows the ExitException") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        val e = shouldThrow<ExitException> {
            corunBounded {
                go {
                    Co.defer { log += "deferred" }
                    coYield()
                    Co.exit(3)
                    log += "after exit"
                }
                coSleep(20.milliseconds)
                log += "main finished"
            }
        }
        e.status shouldBe 3
        (e.flags and ExitException.EXIT_IN_COROUTINE) shouldBe ExitException.EXIT_IN_COROUTINE
        (e.flags and ExitException.EXIT_IN_SERVER) shouldBe 0
        log shouldContainExactlyInAnyOrder listOf("deferred", "main finished")
    }
})
