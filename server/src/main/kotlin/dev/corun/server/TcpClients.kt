@file:JvmName("TcpClients")

package dev.corun.server

import dev.corun.server.internal.KotlinHandlers
import kotlin.time.Duration
import kotlin.time.toJavaDuration

// Suspend forms of TcpClient for Kotlin coroutines. Each runs the blocking call on a Java
// coroutine (a virtual thread on corun's scheduler, parked cheaply by the JDK's poller) and
// suspends until it returns, so no carrier thread ever blocks. Results and errors are those of
// the blocking call: false / null, then error(), errCode(), errMsg().
//
//     val c = TcpClient().framing(Framing.eol())
//     if (c.coConnect("127.0.0.1", 9501, 1.seconds)) {
//         c.coSend("hello\n".encodeToByteArray())
//         println(c.coRecv(1.seconds)?.decodeToString() ?: "failed: ${c.error()}")
//     }

/** [TcpClient.connect], suspending. */
public suspend fun TcpClient.coConnect(host: String, port: Int, timeout: Duration?): Boolean =
    KotlinHandlers.onJavaCoroutine("tcp-client:connect") { connect(host, port, timeout?.toJavaDuration()) }

/** [TcpClient.send], suspending. */
public suspend fun TcpClient.coSend(data: ByteArray, timeout: Duration? = null): Boolean =
    KotlinHandlers.onJavaCoroutine("tcp-client:send") { send(data, timeout?.toJavaDuration()) }

/** [TcpClient.sendFrame], suspending. */
public suspend fun TcpClient.coSendFrame(payload: ByteArray, timeout: Duration? = null): Boolean =
    KotlinHandlers.onJavaCoroutine("tcp-client:send") { sendFrame(payload, timeout?.toJavaDuration()) }

/** [TcpClient.recv], suspending: one message, or null with [TcpClient.error]. */
public suspend fun TcpClient.coRecv(timeout: Duration?): ByteArray? =
    KotlinHandlers.onJavaCoroutine("tcp-client:recv") { recv(timeout?.toJavaDuration()) }
