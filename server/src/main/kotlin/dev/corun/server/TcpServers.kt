@file:JvmName("TcpServers")

package dev.corun.server

import dev.corun.Status
import dev.corun.channels.send
import dev.corun.internal.Coroutine
import dev.corun.server.internal.KotlinHandlers
import dev.corun.server.internal.TaskPool
import dev.corun.server.internal.TaskRecord
import dev.corun.server.internal.HandlerCoroutines
import dev.corun.server.internal.awaitKeeping
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.asContextElement
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.time.toJavaDuration

/**
 * Suspend handlers for a [TcpServer], set inside [suspending]. Each call runs as a Kotlin
 * coroutine of its own on the corun dispatcher, with the same ordering and failure rules as the
 * Java handlers (see [TcpServer]).
 *
 * ```
 * server.suspending {
 *     onReceive { srv, fd, _, data -> srv.coTask(data.decodeToString()) { s, _, r -> s.coSend(fd, "${r.value()}\n") } }
 *     onTask { _, _, _, data -> "$data -> OK" }
 * }
 * ```
 */
public class SuspendTcpHandlers internal constructor(private val server: TcpServer) {

    /** Swoole's `on('Connect')`. */
    public fun onConnect(handler: suspend (server: TcpServer, fd: Int, reactorId: Int) -> Unit) {
        server.setConnectInvoker(event("connect") { fd, _ -> handler(server, fd, TcpServer.REACTOR_ID) })
    }

    /** Swoole's `on('Receive')`: one call per message, in order per connection. */
    public fun onReceive(handler: suspend (server: TcpServer, fd: Int, reactorId: Int, data: ByteArray) -> Unit) {
        server.setReceiveInvoker(event("receive") { fd, data -> handler(server, fd, TcpServer.REACTOR_ID, data!!) })
    }

    /** Swoole's `on('Close')`. */
    public fun onClose(handler: suspend (server: TcpServer, fd: Int, reactorId: Int) -> Unit) {
        server.setCloseInvoker(event("close") { fd, _ -> handler(server, fd, TcpServer.REACTOR_ID) })
    }

    /** Swoole's `on('Task')`: the returned value is the result unless [TcpServer.finish] was called first. */
    public fun onTask(handler: suspend (server: TcpServer, taskId: Long, srcWorkerId: Long, data: Any) -> Any?) {
        server.setTaskRunner(object : TaskPool.Runner {
            override fun start(task: TaskRecord, done: Runnable) {
                HandlerCoroutines.goKotlin(null, "tcp:task") {
                    try {
                        runTask(task, handler)
                    } finally {
                        done.run()
                    }
                }
            }

            override fun runHere(task: TaskRecord) {
                runBlocking { runTask(task, handler) }
            }
        })
    }

    /** Swoole's `on('Finish')`: runs as a child coroutine of the coroutine that dispatched the task. */
    public fun onFinish(handler: suspend (server: TcpServer, taskId: Long, result: TaskResult) -> Unit) {
        server.setFinishInvoker(finishInvoker(server, handler))
    }

    private suspend fun runTask(task: TaskRecord, handler: suspend (TcpServer, Long, Long, Any) -> Any?) {
        val pool = server.requirePool()
        withContext(TaskPool.current().asContextElement(task)) {
            try {
                val v = handler(server, task.id, task.srcWorkerId, task.data)
                pool.complete(task, TaskResult.ok(task.id, v))
            } catch (t: Throwable) {
                pool.completeFailed(task, t)
            }
        }
    }

    private fun event(name: String, body: suspend (fd: Int, data: ByteArray?) -> Unit): TcpServer.EventInvoker =
        TcpServer.EventInvoker { coName, fd, data, done ->
            HandlerCoroutines.goKotlin(null, coName) {
                try {
                    body(fd, data)
                } catch (t: Throwable) {
                    server.handlerFailed(name, "fd $fd", t)
                    if (t is CancellationException) throw t
                } finally {
                    done.run()
                }
            }
        }
}

internal fun finishInvoker(server: TcpServer, handler: suspend (TcpServer, Long, TaskResult) -> Unit): TcpServer.FinishInvoker =
    TcpServer.FinishInvoker { task ->
        // Started when the result arrives, as a child of the coroutine dispatching the task now.
        val dispatcher = Coroutine.current()
        task.result.whenComplete { r, _ ->
            try {
                HandlerCoroutines.goKotlin(dispatcher, "tcp:finish") {
                    try {
                        handler(server, task.id, r)
                    } catch (t: Throwable) {
                        server.handlerFailed("finish", "task ${task.id}", t)
                    }
                }
            } catch (tooMany: IllegalStateException) { // CoOptions.maxCoroutines: reported, not dropped silently
                server.handlerFailed("finish", "task ${task.id} with result $r, not delivered", tooMany)
            }
        }
    }

/** Sets suspend handlers on this server; see [SuspendTcpHandlers]. Returns the server. */
public fun TcpServer.suspending(block: SuspendTcpHandlers.() -> Unit): TcpServer {
    SuspendTcpHandlers(this).block()
    return this
}

/** [TcpServer.send] for Kotlin coroutines: suspends (instead of blocking a carrier) while the peer does not read. */
public suspend fun TcpServer.coSend(fd: Int, data: ByteArray): Boolean =
    KotlinHandlers.onJavaCoroutine("tcp:send") { send(fd, data) }

/** [coSend] of the string's UTF-8 bytes. */
public suspend fun TcpServer.coSend(fd: Int, data: String): Boolean = coSend(fd, data.encodeToByteArray())

/** [TcpServer.task] for Kotlin: suspends while the queue is full (BLOCK) instead of blocking. The server's finish handler gets the result. */
public suspend fun TcpServer.coTask(data: Any): Long = coDispatch(data, finishInvoker())

/** [TcpServer.task] with a suspend finish callback for this task only, run as a child coroutine of the caller. */
public suspend fun TcpServer.coTask(data: Any, callback: suspend (server: TcpServer, taskId: Long, result: TaskResult) -> Unit): Long =
    coDispatch(data, finishInvoker(this, callback))

private suspend fun TcpServer.coDispatch(data: Any, finish: TcpServer.FinishInvoker?): Long {
    val pool = requirePool()
    val task = pool.admit(data)
    if (!pool.admitted(task, push(pool, task, null))) {
        error("unreachable: a push with no timeout cannot time out")
    }
    finish?.arm(task)
    return task.id
}

private suspend fun push(pool: TaskPool, task: TaskRecord, timeout: Duration?): Status =
    if (pool.overflow() == TcpServerOptions.TaskOverflow.FAIL) {
        val s = pool.queue().trySend(task)
        if (s == Status.TIMEOUT) {
            pool.unadmit(task)
            pool.countRejected()
            throw TaskPoolFullException(pool.capacity(), pool.workers())
        }
        s
    } else {
        pool.queue().send(task, timeout)
    }

/** [TcpServer.taskwait] for Kotlin: suspends until the result or the timeout (null: forever). */
public suspend fun TcpServer.coTaskWait(data: Any, timeout: Duration?): TaskResult {
    val pool = requirePool()
    val deadline = TaskPool.deadline(timeout?.toJavaDuration())
    val task = pool.admit(data)
    if (!pool.admitted(task, push(pool, task, left(deadline)))) {
        return TaskResult.timeout(task.id)
    }
    return awaitResult(task, deadline)
}

/** [TcpServer.taskCo] for Kotlin: one result per task, in order, TIMEOUT for the slots not done in time. */
public suspend fun TcpServer.coTaskCo(data: List<Any>, timeout: Duration?): List<TaskResult> {
    val pool = requirePool()
    val deadline = TaskPool.deadline(timeout?.toJavaDuration())
    val slots = data.map { d ->
        val task = pool.admit(d)
        try {
            if (pool.admitted(task, push(pool, task, left(deadline)))) task else TaskResult.timeout(task.id)
        } catch (full: TaskPoolFullException) {
            TaskResult.failed(task.id, full)
        }
    }
    return slots.map { if (it is TaskRecord) awaitResult(it, deadline) else it as TaskResult }
}

/** Suspends until [TcpServer.shutdown] has completed; returns its result. */
public suspend fun TcpServer.coAwaitShutdown(): Boolean = terminated().awaitKeeping()

/** [TcpServer.shutdown] for Kotlin: suspends instead of blocking a carrier. */
public suspend fun TcpServer.coShutdown(grace: Duration): Boolean =
    KotlinHandlers.onJavaCoroutine("tcp:shutdown") { shutdown(grace.toJavaDuration()) }

private fun left(deadline: Long): Duration? =
    if (deadline == Long.MAX_VALUE) null else maxOf(0L, deadline - System.nanoTime()).nanoseconds

private suspend fun awaitResult(task: TaskRecord, deadline: Long): TaskResult {
    if (deadline == Long.MAX_VALUE) {
        return task.result.awaitKeeping()
    }
    val left = deadline - System.nanoTime()
    if (left > 0) {
        withTimeoutOrNull(left.nanoseconds) { task.result.awaitKeeping() }?.let { return it }
    }
    return task.result.getNow(TaskResult.timeout(task.id))
}
