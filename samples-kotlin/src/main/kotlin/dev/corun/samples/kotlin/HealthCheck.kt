/*
 * Seed 004, "check many servers at once", in Kotlin: one coroutine per host:port, all with the
 * same deadline, so N hosts take about one timeout, not the sum. Each check is straight-line
 * suspend code (connect, send, recv) where the seed juggles non-blocking sockets and select().
 *
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -cp samples-kotlin/target/corun-samples-kotlin-0.1.0-SNAPSHOT.jar \
 *        dev.corun.samples.kotlin.HealthCheck [--timeout-ms 1000] host:port...
 */
package dev.corun.samples.kotlin

import dev.corun.corun
import dev.corun.go
import dev.corun.server.Framing
import dev.corun.server.TcpClient
import dev.corun.server.TcpError
import dev.corun.server.coConnect
import dev.corun.server.coRecv
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.TimeSource

/** How a host answered: up with its first line, refused, timed out, closed without a word, or another error. */
public sealed interface HostStatus {
    public data class Up(val firstLine: String) : HostStatus
    public data object Refused : HostStatus
    public data object TimedOut : HostStatus
    public data object Closed : HostStatus
    public data class Failed(val reason: String) : HostStatus
}

/** Checks every `host:port` at once; one status per target, in order. */
public fun checkHosts(targets: List<Pair<String, Int>>, timeout: Duration): List<HostStatus> {
    val results = arrayOfNulls<HostStatus>(targets.size)
    corun {
        val deadline = TimeSource.Monotonic.markNow() + timeout
        targets.forEachIndexed { i, (host, port) ->
            go { results[i] = checkHost(host, port) { (-deadline.elapsedNow()).coerceAtLeast(1.milliseconds) } }
        }
    }
    return results.map { it!! }
}

private suspend fun checkHost(host: String, port: Int, left: () -> Duration): HostStatus {
    val c = TcpClient().framing(Framing.eol()).maxFrameSize(1024)
    try {
        if (!c.coConnect(host, port, left())) {
            return when (c.error()) {
                TcpError.REFUSED -> HostStatus.Refused
                TcpError.TIMEOUT -> HostStatus.TimedOut
                else -> HostStatus.Failed(c.errMsg())
            }
        }
        val line = c.coRecv(left())
        return when {
            line != null -> HostStatus.Up(line.decodeToString().removeSuffix("\r"))
            c.error() == TcpError.TIMEOUT -> HostStatus.TimedOut
            c.error() == TcpError.CLOSED -> HostStatus.Closed
            else -> HostStatus.Failed(c.errMsg())
        }
    } finally {
        c.close()
    }
}

/**
 * The command-line entry point, `dev.corun.samples.kotlin.HealthCheck`. An object with a `@JvmStatic`
 * main, not a top-level `main`, so that it does not compete with `Samples.kt`'s `main(args)`
 * when the package's code calls `main(...)`.
 */
public object HealthCheck {
    @JvmStatic
    public fun main(args: Array<String>) {
        var timeout = 1000.milliseconds
        val targets = mutableListOf<Pair<String, Int>>()
        var i = 0
        while (i < args.size) {
            if (args[i] == "--timeout-ms") {
                timeout = args[++i].toLong().milliseconds
            } else {
                val colon = args[i].lastIndexOf(':')
                require(colon > 0) { "not host:port: ${args[i]}" }
                targets += args[i].substring(0, colon).removeSurrounding("[", "]") to args[i].substring(colon + 1).toInt()
            }
            i++
        }
        if (targets.isEmpty()) {
            System.err.println("usage: HealthCheck [--timeout-ms 1000] host:port...")
            kotlin.system.exitProcess(2)
        }
        val start = TimeSource.Monotonic.markNow()
        val statuses = checkHosts(targets, timeout)
        targets.zip(statuses).forEach { (t, s) -> println("${t.first}:${t.second}  $s") }
        println("checked ${targets.size} hosts in ${start.elapsedNow().inWholeMilliseconds} ms (timeout $timeout)")
    }
}
