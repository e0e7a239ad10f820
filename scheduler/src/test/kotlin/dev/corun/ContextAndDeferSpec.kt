package dev.corun

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlinx.coroutines.CompletableDeferred
import java.util.Collections
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private val USER: Context.Key<String> = Context.key("user")

/** `Co.getContext()` and `Co.defer` in Kotlin coroutines. */
class ContextAndDeferSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("each Kotlin coroutine has its own Context, not inherited by the coroutines it starts") {
        corunBounded {
            Co.getContext().put(USER, "main")
            Co.getContext().put("plain", 1)
            val childSaw = CompletableDeferred<List<Any?>>()
            val child = go {
                val before = listOf(Co.getContext().get(USER), ctxGet("plain"), Co.getContext().size())
                Co.getContext().put(USER, "child")
                childSaw.complete(before)
                coSleep(20.milliseconds)
            }
            childSaw.await() shouldBe listOf(null, null, 0)
            Co.getContext().get(USER) shouldBe "main"
            Co.getContext(child.cid)!!.get(USER) shouldBe "child"
            Co.getContext(Co.getCid()) shouldBeSameInstanceAs Co.getContext()
            child.join()
        }
    }

    test("a Kotlin coroutine's Context is emptied when it ends and Co.getContext(cid) then returns null") {
        val seen = AtomicReference<Context>()
        corunBounded {
            val ready = CompletableDeferred<Unit>()
            val gate = CompletableDeferred<Unit>()
            val job = go {
                val c = Co.getContext()
                c.put(USER, "alice")
                c.put("n", 7)
                seen.set(c)
                ready.complete(Unit)
                gate.await()
            }
            ready.await()
            val live = Co.getContext(job.cid)
            live shouldBeSameInstanceAs seen.get()
            live!!.get(USER) shouldBe "alice"
            gate.complete(Unit)
            job.join()
            Co.getContext(job.cid) shouldBe null
            seen.get().isEmpty shouldBe true
        }
        seen.get().size() shouldBe 0
    }

    test("Co.getContext() outside any coroutine fails clearly") {
        shouldThrow<IllegalStateException> { Co.getContext() }
        Co.getContext(Long.MAX_VALUE) shouldBe null
    }

    test("Co.defer in a Kotlin coroutine runs last-in first-out when it ends, in that coroutine") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        corunBounded {
            go {
                val me = Co.getCid()
                Co.defer { log += "first(cid ok=${Co.getCid() == me})" }
                coSleep(5.milliseconds)
                Co.defer { log += "second(ctx=${ctxGet("k")})" }
                coYield()
                Co.defer { log += "third" }
                Co.getContext().put("k", "v")
                log += "body end"
            }.join()
        }
        log shouldContainExactly listOf("body end", "third", "second(ctx=v)", "first(cid ok=true)")
    }

    test("Co.defer runs LIFO after an exception too, and corun rethrows the exception") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        val e = shouldThrow<IllegalArgumentException> {
            corunBounded {
                go {
                    Co.defer { log += "a" }
                    Co.defer { log += "b" }
                    coSleep(5.milliseconds)
                    throw IllegalArgumentException("boom")
                }
            }
        }
        e.message shouldBe "boom"
        log shouldContainExactly listOf("b", "a")
    }

    test("Co.defer runs when a Kotlin coroutine is cancelled in coSleep") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        corunBounded {
            val sleeping = CompletableDeferred<Unit>()
            val job = go {
                Co.defer { log += "deferred" }
                sleeping.complete(Unit)
                coSleep(1.hours)
                log += "woke"
            }
            sleeping.await()
            Co.cancel(job.cid) shouldBe true
            job.join()
        }
        log shouldContainExactly listOf("deferred")
    }

    test("a defer that throws does not stop the others and fails the run") {
        val log = Collections.synchronizedList(mutableListOf<String>())
        val e = shouldThrow<IllegalStateException> {
            corunBounded(10.seconds) {
                go {
                    Co.defer { log += "outer" }
                    Co.defer { throw IllegalStateException("defer failed") }
                    Co.defer { log += "inner" }
                }
            }
        }
        e.message shouldBe "defer failed"
        log shouldContainExactly listOf("inner", "outer")
    }
})
