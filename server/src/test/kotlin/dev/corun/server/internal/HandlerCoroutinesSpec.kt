package dev.corun.server.internal

import dev.corun.Co
import dev.corun.CoRunnable
import dev.corun.ExitException
import dev.corun.coSleep
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class HandlerCoroutinesSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds, blockingTest = true)

    test("a Java handler's failure goes to onFailure on the handler's own coroutine, and the record ends") {
        val seen = CompletableFuture<Pair<Long, Throwable>>()
        val cid = HandlerCoroutines.goJava("h", CoRunnable { throw IllegalArgumentException("bad") }) {
            seen.complete(Co.getCid() to it)
        }
        val (cidInHandler, failure) = seen.get(10, TimeUnit.SECONDS)
        cidInHandler shouldBe cid
        failure.message shouldBe "bad"
        Co.join(longArrayOf(cid), java.time.Duration.ofSeconds(10))
        Co.exists(cid) shouldBe false
    }

    test("Co.exit in a Java handler carries EXIT_IN_SERVER | EXIT_IN_COROUTINE") {
        val seen = CompletableFuture<Throwable>()
        HandlerCoroutines.goJava("h", CoRunnable { Co.exit(3) }) { seen.complete(it) }
        val exit = seen.get(10, TimeUnit.SECONDS) as ExitException
        exit.status shouldBe 3
        exit.flags shouldBe (ExitException.EXIT_IN_SERVER or ExitException.EXIT_IN_COROUTINE)
    }

    test("goKotlin starts a handler child of a given parent, without waiting; Co.exit there carries the server flag") {
        val parentRecord = CompletableFuture<dev.corun.internal.Coroutine>()
        dev.corun.Co.run { parentRecord.complete(dev.corun.internal.Coroutine.current()) }
        val parent = parentRecord.get(10, TimeUnit.SECONDS)
        val seen = CompletableFuture<Pair<Long, Int>>()
        val cid = HandlerCoroutines.goKotlin(parent, "k") {
            val flags = try { Co.exit(1); 0 } catch (e: ExitException) { e.flags }
            seen.complete(Co.getPcid() to flags)
        }
        val (pcid, flags) = seen.get(10, TimeUnit.SECONDS)
        pcid shouldBe parent.cid()
        flags shouldBe (ExitException.EXIT_IN_SERVER or ExitException.EXIT_IN_COROUTINE)
        Co.join(longArrayOf(cid), java.time.Duration.ofSeconds(10))
        Co.exists(cid) shouldBe false
    }

    test("a Kotlin handler has its own id across suspensions and ends") {
        val seen = CompletableFuture<Pair<Long, Long>>()
        val cid = HandlerCoroutines.goKotlin(null, "k") {
            val before = Co.getCid()
            coSleep(10.milliseconds)
            seen.complete(before to Co.getCid())
        }
        seen.get(10, TimeUnit.SECONDS) shouldBe (cid to cid)
        Co.join(longArrayOf(cid), java.time.Duration.ofSeconds(10))
        Co.exists(cid) shouldBe false
    }

    test("Co.cancel cancels a suspended Kotlin handler, whose finally blocks run, and ends its record") {
        val started = CompletableFuture<Unit>()
        val cleaned = CompletableFuture<Boolean>()
        val cid = HandlerCoroutines.goKotlin(null, "k") {
            try {
                started.complete(Unit)
                awaitCancellation()
            } finally {
                cleaned.complete(true)
            }
        }
        started.get(10, TimeUnit.SECONDS)
        Co.cancel(cid) shouldBe true
        cleaned.get(10, TimeUnit.SECONDS) shouldBe true
        Co.join(longArrayOf(cid), java.time.Duration.ofSeconds(10))
        Co.exists(cid) shouldBe false
    }
})
