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
import dev.corun.corun
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.concurrent.thread

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
        // one record must not make the record look asleep while another coroutine is merely sleeping.
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

    test("no false deadlock: the only other strand is a launch {} child in a kotlinx delay, which then feeds the channel") {
        // The corun coroutine's own wait is counted and no other corun coroutine exists, but its
        // child strand will run: the check must see the child and keep looking.
        val got = corunBounded(20.seconds) {
            val ch = Channel<Int>(0)
            launch {
                delay(400.milliseconds)
                ch.send(7)
            }
            ch.receive()
        }
        got shouldBe 7
    }

    test("no false deadlock in a run that keeps handing elements back and forth for 500 ms") {
        // Every look at this run may find both coroutines parked, one read just before it is woken
        // and the other just after it parks: only the same waits seen twice prove a deadlock.
        val trips = corunBounded(20.seconds) {
            val ping = Channel<Int>(0)
            val pong = Channel<Int>(0)
            val until = System.nanoTime() + 500.milliseconds.inWholeNanoseconds
            go {
                while (true) {
                    val v = ping.receive()
                    if (v < 0) break
                    pong.send(v)
                }
            }
            var n = 0
            while (System.nanoTime() < until) {
                ping.send(n)
                pong.receive() shouldBe n
                n++
            }
            ping.send(-1)
            n
        }
        (trips > 0) shouldBe true
    }

    test("a deadlock in one run is reported while another run keeps the carriers busy") {
        val stop = AtomicBoolean()
        val busy = thread(name = "busy-run") {
            corun {
                val ch = Channel<Int>(0)
                go { while (ch.receive() >= 0) Unit }
                var i = 0
                while (!stop.get()) ch.send(i++)
                ch.send(-1)
            }
        }
        try {
            val e = shouldThrow<DeadlockException> {
                corunBounded(20.seconds) {
                    val ch = Channel<Int>(0)
                    go { ch.receive() }
                    ch.receive()
                }
            }
            e.message!! shouldStartWith "all coroutines (count: 2) are asleep - deadlock!"
        } finally {
            stop.set(true)
            busy.join(20_000)
        }
        busy.isAlive shouldBe false
    }
})
