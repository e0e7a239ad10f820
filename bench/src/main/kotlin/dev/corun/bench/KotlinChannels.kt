@file:JvmName("KotlinChannels")

package dev.corun.bench

import dev.corun.Co
import dev.corun.channels.Channel
import dev.corun.channels.receive
import dev.corun.channels.send
import dev.corun.corun
import dev.corun.go
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.channels.Channel as KChannel

/*
 * The Kotlin sides of the channel benchmarks (ChannelPingPongBenchmark, ChannelStreamBenchmark,
 * ChannelFanInBenchmark). Every element is the boxed Int 1 (a cached Integer, so no side
 * allocates for the element itself); each function returns the sum of what was received, which
 * the Java side checks against the count sent, so a lost or duplicated element fails the trial.
 */

// ---- rendezvous ping-pong ------------------------------------------------------------------------

/**
 * corun: two `go { }` exchange [rounds] round trips over two corun rendezvous channels
 * (`send`/`receive`); returns the pinger's sum, read after the run ended (`corun` waits for both).
 */
fun corunPingPong(rounds: Int): Long {
    val sum = LongArray(1)
    corun {
        val ping = Channel<Int>(0)
        val pong = Channel<Int>(0)
        go { var s = 0L; repeat(rounds) { ping.send(1); s += pong.receive() }; sum[0] = s }
        go { repeat(rounds) { pong.send(ping.receive()) } }
    }
    return sum[0]
}

/** kotlinx: two `launch { }` on Dispatchers.Default exchange [rounds] round trips over two `Channel(RENDEZVOUS)`. */
fun defaultPingPong(rounds: Int): Long {
    val sum = LongArray(1)
    runBlocking(Dispatchers.Default) {
        val ping = KChannel<Int>(KChannel.RENDEZVOUS)
        val pong = KChannel<Int>(KChannel.RENDEZVOUS)
        launch { var s = 0L; repeat(rounds) { ping.send(1); s += pong.receive() }; sum[0] = s }
        launch { repeat(rounds) { pong.send(ping.receive()) } }
    }
    return sum[0]
}

/**
 * Mixed: a Kotlin `go { }` pings with suspend `send`/`receive`, a Java coroutine (`Co.go`, a
 * virtual thread on corun's carriers) pongs with blocking `pop`/`push`, over two corun rendezvous
 * channels, in one run.
 */
fun mixedPingPong(rounds: Int): Long {
    val sum = LongArray(1)
    corun {
        val ping = Channel<Int>(0)
        val pong = Channel<Int>(0)
        go { var s = 0L; repeat(rounds) { ping.send(1); s += pong.receive() }; sum[0] = s }
        Co.go { repeat(rounds) { pong.push(ping.pop()) } }
    }
    return sum[0]
}

// ---- buffered stream: one producer, one consumer ---------------------------------------------------

/** corun: a producer `go { }` sends [n] elements into a corun channel of [capacity], a consumer `go { }` receives them. */
fun corunStream(n: Int, capacity: Int): Long {
    val sum = LongArray(1)
    corun {
        val ch = Channel<Int>(capacity)
        go { repeat(n) { ch.send(1) } }
        go { var s = 0L; repeat(n) { s += ch.receive() }; sum[0] = s }
    }
    return sum[0]
}

/** kotlinx: the same with two `launch { }` on Dispatchers.Default and `Channel(capacity)`. */
fun defaultStream(n: Int, capacity: Int): Long {
    val sum = LongArray(1)
    runBlocking(Dispatchers.Default) {
        val ch = KChannel<Int>(capacity)
        launch { repeat(n) { ch.send(1) } }
        launch { var s = 0L; repeat(n) { s += ch.receive() }; sum[0] = s }
    }
    return sum[0]
}

// ---- fan-in: many producers, one consumer ------------------------------------------------------------

/**
 * corun: [producers] `go { }` each send [perProducer] elements into one corun channel of [capacity]; one `go { }` receives all.
 * Each producer runs [work] rounds of [Work.one] before each send (0: none).
 */
fun corunFanIn(producers: Int, perProducer: Int, capacity: Int, work: Int): Long {
    val sum = LongArray(1)
    val total = producers * perProducer
    corun {
        val ch = Channel<Int>(capacity)
        go { var s = 0L; repeat(total) { s += ch.receive() }; sum[0] = s }
        repeat(producers) { p -> go { repeat(perProducer) { ch.send(if (work == 0) 1 else Work.one(work, p + it.toLong())) } } }
    }
    return sum[0]
}

/** kotlinx: the same with `launch { }` on Dispatchers.Default and `Channel(capacity)`. */
fun defaultFanIn(producers: Int, perProducer: Int, capacity: Int, work: Int): Long {
    val sum = LongArray(1)
    val total = producers * perProducer
    runBlocking(Dispatchers.Default) {
        val ch = KChannel<Int>(capacity)
        launch { var s = 0L; repeat(total) { s += ch.receive() }; sum[0] = s }
        repeat(producers) { p -> launch { repeat(perProducer) { ch.send(if (work == 0) 1 else Work.one(work, p + it.toLong())) } } }
    }
    return sum[0]
}
