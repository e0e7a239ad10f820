package dev.corun.server.internal

import io.ktor.utils.io.ByteReadChannel
import io.ktor.utils.io.InternalAPI
import kotlinx.io.Buffer
import kotlinx.io.Source
import java.io.IOException
import java.io.InputStream
import java.io.OutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.net.SocketTimeoutException
import java.nio.ByteBuffer
import java.nio.channels.SocketChannel

/**
 * One keep-alive HTTP connection on a plain JDK socket in blocking mode, for callers that may
 * block: Java coroutines (virtual threads, which the JDK parks in socket reads without holding a
 * carrier) and plain threads.
 *
 * Why: on ktor-network's sockets a call from a Java coroutine crosses threads three or four times
 * (the caller, the socket's writer coroutine, the selector and the reader coroutine on I/O
 * threads, then the caller again). Seed 001's server spent about 250 µs of I/O-thread CPU and 14
 * context switches per request on those hops. Here the caller's own thread writes the request and
 * reads the response; the only hop is the JDK's poller waking the parked virtual thread.
 *
 * The response is still parsed by Ktor CIO's parser: [input] is a Ktor [ByteReadChannel] whose
 * [awaitContent][BlockingReadChannel.awaitContent] reads the socket in place, so the suspend
 * parser runs to completion without ever suspending.
 *
 * Deadline: reads stop at [deadlineNanos] (the request's timeout) with [RequestTimedOut]: each
 * read gets the time left as its socket timeout. Writes have no deadline of their own; callers
 * keep request bodies small enough for the socket buffers (`HttpClient.MAX_BLOCKING_BODY`).
 */
internal class BlockingConnection private constructor(private val channel: SocketChannel) {
    private val socket: Socket = channel.socket()
    private val output: OutputStream = socket.getOutputStream()

    /** Read deadline of the current request, in `System.nanoTime()` terms. */
    var deadlineNanos: Long = Long.MAX_VALUE

    val input: ByteReadChannel = BlockingReadChannel(socket.getInputStream())

    /** Writes the request head and body in one call (one segment on the wire when they fit). */
    fun send(head: ByteArray, body: ByteArray?) {
        if (body == null || body.isEmpty()) {
            output.write(head)
        } else {
            val all = head.copyOf(head.size + body.size)
            System.arraycopy(body, 0, all, head.size, body.size)
            output.write(all)
        }
        output.flush()
    }

    fun close() {
        runCatching { channel.close() }
    }

    /**
     * True if the idle connection can no longer carry a request: the server closed it (or sent
     * bytes nobody asked for). One non-blocking read; for requests that must not be retried on a
     * fresh connection after failing on a stale one.
     */
    fun probeClosed(): Boolean = try {
        channel.configureBlocking(false)
        try {
            channel.read(ByteBuffer.allocate(1)) != 0
        } finally {
            channel.configureBlocking(true)
        }
    } catch (e: IOException) {
        true
    }

    /** The request's timeout passed while waiting for the response. */
    class RequestTimedOut(message: String) : Exception(message)

    private inner class BlockingReadChannel(private val stream: InputStream) : ByteReadChannel {
        private val buffer = Buffer()
        private val chunk = ByteArray(CHUNK)
        private var eof = false
        private var cause: Throwable? = null

        override val closedCause: Throwable? get() = cause

        override val isClosedForRead: Boolean get() = cause != null || (eof && buffer.exhausted())

        @InternalAPI
        override val readBuffer: Source get() = buffer

        override suspend fun awaitContent(min: Int): Boolean {
            cause?.let { throw it }
            while (buffer.size < min && !eof) {
                val left = deadlineNanos - System.nanoTime()
                if (left <= 0) throw RequestTimedOut("no complete response within the timeout")
                socket.soTimeout = ((left + 999_999) / 1_000_000).coerceIn(1, Int.MAX_VALUE.toLong()).toInt()
                val n = try {
                    stream.read(chunk)
                } catch (e: SocketTimeoutException) {
                    throw RequestTimedOut("no complete response within the timeout")
                }
                if (n < 0) eof = true else buffer.write(chunk, 0, n)
            }
            return buffer.size >= min
        }

        override fun cancel(cause: Throwable?) {
            if (this.cause != null) return
            this.cause = IOException("the response channel was cancelled", cause)
            close()
        }
    }

    companion object {
        private const val CHUNK = 8192

        /** Connects with [connectTimeoutMillis]; the failure is the caller's to classify. */
        fun open(host: String, port: Int, connectTimeoutMillis: Long): BlockingConnection {
            val channel = SocketChannel.open()
            try {
                channel.socket().tcpNoDelay = true
                channel.socket().connect(InetSocketAddress(host, port), connectTimeoutMillis.coerceIn(1, Int.MAX_VALUE.toLong()).toInt())
                return BlockingConnection(channel)
            } catch (t: Throwable) {
                runCatching { channel.close() }
                throw t
            }
        }
    }
}
