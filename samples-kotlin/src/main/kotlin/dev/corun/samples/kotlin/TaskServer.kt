/*
 * Seed 003, "asynchronous tasks", in Kotlin with suspend handlers: a TCP server with four task
 * workers. Each received line goes to `coTask` (a task id at once), the task handler runs in the
 * task pool and returns "<line> -> OK", and the finish handler gets that result back in a child
 * coroutine of the coroutine that dispatched it and answers the client.
 *
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -cp samples-kotlin/target/corun-samples-kotlin-0.1.0-SNAPSHOT.jar \
 *        dev.corun.samples.kotlin.TaskServer [port | --demo]
 */
package dev.corun.samples.kotlin

import dev.corun.corun
import dev.corun.server.Framing
import dev.corun.server.TcpClient
import dev.corun.server.TcpServer
import dev.corun.server.TcpServerOptions
import dev.corun.server.coConnect
import dev.corun.server.coRecv
import dev.corun.server.coSend
import dev.corun.server.coTask
import dev.corun.server.suspending
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** What a task carries: the connection to answer and the line it received. */
public data class Job(val fd: Int, val line: String)

/** The seed's server, not started yet; it narrates through [log]. */
public fun taskServer(host: String, port: Int, log: (String) -> Unit = ::println): TcpServer =
    TcpServer(host, port)
        .set(TcpServerOptions().taskWorkerNum(4).framing(Framing.eol()))
        .suspending {
            // A coroutine of its own for each line received ("in the worker").
            onReceive { srv, fd, _, data ->
                val taskId = srv.coTask(Job(fd, data.decodeToString()))
                log("Dispatch AsyncTask: id=$taskId")
            }
            // In the task pool; the returned value is the result (as Swoole's finish()).
            onTask { _, taskId, _, data ->
                val job = data as Job
                log("New AsyncTask[id=$taskId]")
                job.copy(line = "${job.line} -> OK")
            }
            // Back in a child coroutine of the one that called coTask().
            onFinish { srv, taskId, result ->
                if (!result.isOk) {
                    log("AsyncTask[$taskId] ${result.outcome()}: ${result.failure()}")
                } else {
                    val done = result.value() as Job
                    log("AsyncTask[$taskId] Finish: ${done.line}")
                    srv.coSend(done.fd, "${done.line}\n")
                }
            }
        }

/** Sends each message as a line and returns one answer per message (or "error: ..."). */
public fun exchange(host: String, port: Int, messages: List<String>, timeout: Duration): List<String> = corun {
    val c = TcpClient().framing(Framing.eol())
    if (!c.coConnect(host, port, timeout)) return@corun listOf("error: ${c.errMsg()}")
    try {
        messages.forEach { c.coSend("$it\n".encodeToByteArray()) }
        messages.map { c.coRecv(timeout)?.decodeToString() ?: "error: ${c.errMsg()}" }
    } finally {
        c.close()
    }
}

/**
 * The command-line entry point, `dev.corun.samples.kotlin.TaskServer`. An object with a `@JvmStatic`
 * main, not a top-level `main`, so that it does not compete with `Samples.kt`'s `main(args)`
 * when the package's code calls `main(...)`.
 */
public object TaskServer {
    @JvmStatic
    public fun main(args: Array<String>) {
        val demo = args.firstOrNull() == "--demo"
        val server = taskServer("127.0.0.1", if (demo) 0 else args.firstOrNull()?.toInt() ?: 9501).start()
        println("seed 003 task server (Kotlin) listening on 127.0.0.1:${server.port()}")
        if (!demo) {
            server.awaitShutdown()
            return
        }
        exchange("127.0.0.1", server.port(), listOf("send mail", "resize image", "broadcast"), 5.seconds)
            .forEach { println("client got: $it") }
        server.shutdown(java.time.Duration.ofSeconds(5))
    }
}
