package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.supervisorScope
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.Collections
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Ordinary kotlinx scope builders used inside a corun coroutine (`coroutineScope`,
 * `supervisorScope`, `withTimeout`, `launch`): the code in them is still that corun coroutine's
 * code, so `Co.getCid()`, `Co.getContext()`, `Co.defer`, the parent of a `go {}` and the
 * self-join check must keep working in them, also after a suspension inside them.
 */
class ScopeBuildersSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("Co.getCid() stays the coroutine's id inside coroutineScope {} after a suspension") {
        val seen = corunBounded {
            val me = Co.getCid()
            coroutineScope {
                val before = Co.getCid()
                coYield()
                val afterYield = Co.getCid()
                coSleep(5.milliseconds)
                listOf(me, before, afterYield, Co.getCid())
            }
        }
        seen.drop(1) shouldBe List(3) { seen[0] }
    }

    test("Co.getCid() stays the coroutine's id inside withTimeout {} and supervisorScope {} after a suspension") {
        val seen = corunBounded {
            val me = Co.getCid()
            val inTimeout = withTimeout(10.seconds) {
                coSleep(5.milliseconds)
                Co.getCid()
            }
            val inSupervisor = supervisorScope {
                coSleep(5.milliseconds)
                Co.getCid()
            }
            listOf(me, inTimeout, inSupervisor)
        }
        seen shouldBe List(3) { seen[0] }
    }

    test("Co.getContext() and Co.defer work inside coroutineScope {} after a suspension") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        corunBounded {
            go {
                Co.getContext().put("k", "v")
                coroutineScope {
                    coSleep(5.milliseconds)
                    log += "ctx=${runCatching { ctxGet("k") }.getOrElse { it.javaClass.simpleName }}"
                    runCatching { Co.defer { log += "deferred" } }.onFailure { log += "defer failed: ${it.javaClass.simpleName}" }
                }
            }.join()
        }
        log shouldContainExactly listOf("ctx=v", "deferred")
    }

    test("a go {} started inside withTimeout {} after a suspension belongs to the run: corun waits for it") {
        val done = AtomicBoolean(false)
        val starter = AtomicLong()
        val pcid = AtomicLong()
        corunBounded {
            starter.set(Co.getCid())
            withTimeout(10.seconds) {
                coSleep(5.milliseconds)
                go {
                    pcid.set(Co.getPcid())
                    coSleep(100.milliseconds)
                    done.set(true)
                }
            }
        }
        done.get() shouldBe true
        pcid.get() shouldBe starter.get()
    }

    test("a go {} started inside a launch {} of the corun block belongs to the run: corun waits for it") {
        val done = AtomicBoolean(false)
        corunBounded {
            launch {
                coSleep(5.milliseconds)
                go {
                    coSleep(100.milliseconds)
                    done.set(true)
                }
            }
        }
        done.get() shouldBe true
    }

    @OptIn(ExperimentalStdlibApi::class)
    test("a go {} context is its dispatcher, its job and its record; contexts derived from it keep the record") {
        val seen = Collections.synchronizedList(mutableListOf<Any>())
        corunBounded {
            go {
                val me = Co.getCid()
                val ctx = coroutineContext
                val elements = ctx.fold(listOf<CoroutineContext.Element>()) { acc, e -> acc + e }
                val dispatcher = ctx[ContinuationInterceptor]
                val withoutJob = ctx.minusKey(Job)
                val otherJob = Job()
                seen += elements.size
                seen += (ctx[CoroutineDispatcher] === dispatcher && elements.any { it === dispatcher })
                seen += elements.any { it === ctx[Job] }
                seen += (withoutJob[Job] == null && withoutJob[ContinuationInterceptor] === dispatcher)
                seen += ((ctx + otherJob)[Job] === otherJob)
                seen += (ctx.minusKey(CoroutineName) === ctx)
                seen += withContext(Dispatchers.IO) { Co.getCid() == me }
                seen += withContext(NonCancellable) { coYield(); Co.getCid() == me }
                seen += withContext(CoroutineName("n")) { coSleep(5.milliseconds); Co.getCid() == me }
                otherJob.cancel()
            }
        }
        seen shouldContainExactly listOf(3) + List(8) { true }
    }

    test("coJoin of its own cid inside coroutineScope {} after a suspension is still refused") {
        corunBounded {
            val me = Co.getCid()
            coroutineScope {
                coYield()
                shouldThrow<IllegalArgumentException> { coJoin(longArrayOf(me), 200.milliseconds) }
            }
        }
    }

    test("Co.getCid() and Co.getContext() stay right in the caller after a coJoin with a timeout that waited") {
        // coJoin(cids, timeout) runs through withTimeoutOrNull: the same loss as above, in corun's own API
        val seen = corunBounded {
            val me = Co.getCid()
            Co.getContext().put("me", me)
            val gate = CompletableDeferred<Unit>()
            val never = go { gate.await() }
            try {
                val timedOut = coJoin(longArrayOf(never.cid), 20.milliseconds)
                val afterTimeout = listOf(Co.getCid(), runCatching { ctxGet("me") }.getOrNull())
                val releaser = go { coSleep(20.milliseconds); gate.complete(Unit) }
                val ok = coJoin(longArrayOf(never.cid, releaser.cid), 10.seconds)
                listOf(me, timedOut, afterTimeout, ok, Co.getCid())
            } finally {
                gate.complete(Unit)
            }
        }
        val me = seen[0]
        seen shouldBe listOf(me, Status.TIMEOUT, listOf(me, me), Status.OK, me)
    }
})
