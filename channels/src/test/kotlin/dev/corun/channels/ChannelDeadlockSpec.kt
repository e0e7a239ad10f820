package dev.corun.channels

import dev.corun.BOUNDED_SPEC_CONFIG
import dev.corun.Co
import dev.corun.CoOptions
import dev.corun.DeadlockException
import dev.corun.Status
import dev.corun.coSleep
import dev.corun.corunBounded
import dev.corun.go
import dev.corun.withOptions
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.launch

/** Deadlock detection over channels from Kotlin: reported when real, never when not. */
class ChannelDeadlockSpec : FunSpec({
    defaultTestConfig = BOUNDED_SPEC_CONFIG

    test("corun { Channel<Int>(0).receive() } fails with DeadlockException naming Channel.receive()") {
        val e = shouldThrow<DeadlockException> { corunBounded(20.seconds) { Channel<Int>(0).receive() } }
        e.message!! shouldStartWith "all coroutines (count: 1) are asleep - deadlock!"
        e.message!! shouldContain "Channel.receive()"
        e.count shouldBe 1
    }

    test("a send nobody receives is a deadlock naming Channel.send(); the runtime goes on working afterwards") {
        val e = shouldThrow<DeadlockException> {
            corunBounded(20.seconds) {
                val ch = Channel<Int>(0)
                go { ch.send(1) }
                go { ch.send(2) }
            }
        }
        e.message!! shouldStartWith "all coroutines (count: 2) are asleep - deadlock!"
        e.message!! shouldContain "Channel.send()"
        corunBounded { val ch = Channel<Int>(1); ch.send(1); ch.receive() } shouldBe 1
    }

    test("Kotlin receiver and Java popper on two channels nobody feeds: deadlock naming both") {
        val e = shouldThrow<DeadlockException> {
            corunBounded(20.seconds) {
                val a = Channel<Int>(0)
                Co.go { a.pop() }
                a.receive()
            }
        }
        e.message!! shouldStartWith "all coroutines (count: 2) are asleep - deadlock!"
        e.message!! shouldContain "Channel.receive()"
        e.message!! shouldContain "Channel.pop()"
    }

    test("no deadlock while a timed receive waits, nor while a sender sleeps before sending") {
        corunBounded(20.seconds) {
            val ch = Channel<Int>(0)
            ch.receive(150.milliseconds).status() shouldBe Status.TIMEOUT
            go { coSleep(300.milliseconds); ch.send(1) }
            ch.receive() shouldBe 1
        }
    }

    test("with deadlockCheck off, a stuck receive is not reported (bounded by its own timeout instead)") {
        withOptions(CoOptions().deadlockCheck(false)) {
            corunBounded(20.seconds) { Channel<Int>(0).receive(200.milliseconds).status() } shouldBe Status.TIMEOUT
        }
    }

    test("no false deadlock: a launch {} child and its corun coroutine both wait on channels a sleeping go {} will feed") {
        // launch {} inherits the corun record of its parent (CorunElement); two indefinite waits under
        // one record must not make blocked >= live while another coroutine is merely sleeping.
        val got = corunBounded(20.seconds) {
            val a = Channel<Int>(0)
            val b = Channel<Int>(0)
            val child = launch { a.receive() shouldBe 1 }
            go { coSleep(500.milliseconds); a.send(1); b.send(2) }
            val v = b.receive()
            child.join()
            v
        }
        got shouldBe 2
    }
})
