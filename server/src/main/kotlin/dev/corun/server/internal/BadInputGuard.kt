package dev.corun.server.internal

import io.netty.buffer.ByteBuf
import io.netty.channel.ChannelDuplexHandler
import io.netty.channel.ChannelFutureListener
import io.netty.channel.ChannelHandlerContext
import io.netty.channel.ChannelInboundHandlerAdapter
import io.netty.channel.ChannelPipeline
import io.netty.channel.ChannelPromise
import io.netty.handler.codec.http.DefaultFullHttpResponse
import io.netty.handler.codec.http.HttpHeaderNames
import io.netty.handler.codec.http.HttpHeaderValues
import io.netty.handler.codec.http.HttpRequest
import io.netty.handler.codec.http.HttpResponse
import io.netty.handler.codec.http.HttpResponseStatus
import io.netty.handler.codec.http.HttpVersion
import io.netty.handler.codec.http.LastHttpContent
import io.netty.handler.codec.http.TooLongHttpHeaderException
import io.netty.handler.codec.http.TooLongHttpLineException
import io.netty.util.ReferenceCountUtil
import java.util.concurrent.ScheduledFuture
import java.util.concurrent.TimeUnit

/**
 * Netty handlers that turn bad input into the right status before Ktor sees it, installed
 * around Ktor's `"codec"` (Netty's `HttpServerCodec`) through the engine's
 * `channelPipelineConfig` hook:
 *
 * - a request the codec could not decode: 414 (request line too long), 431 (headers too large),
 *   400 (anything else malformed); more than `maxHeaderCount` fields: 431. The connection is
 *   closed after the answer (the codec discards everything after a bad message anyway).
 * - the header deadline: from the connection's start, and again after each complete response,
 *   the client has `headerTimeout` to deliver a request's headers. Past it the connection is
 *   closed: with a 408 if the client had sent some bytes (a slow or stuck client), silently if
 *   it had sent none (an idle keep-alive connection).
 * - any response carrying `Connection: close` closes the connection once written (Ktor closes
 *   only when the request asked for it; a 413 sent before the body was read must close).
 *
 * State is per connection and touched only on the channel's event loop.
 */
internal object BadInputGuard {
    fun install(pipeline: ChannelPipeline, maxHeaderCount: Int, headerTimeoutNanos: Long) {
        val state = ConnectionState()
        pipeline.addBefore("codec", "corun-bytes", RawBytesWatcher(state))
        pipeline.addAfter("codec", "corun-guard", MessageGuard(state, maxHeaderCount, headerTimeoutNanos))
    }

    private class ConnectionState {
        /** Bytes arrived since the last complete response (or the connection's start). */
        var sawBytes = false
        /** Requests decoded whose response has not been fully written. */
        var open = 0
    }

    private class RawBytesWatcher(private val state: ConnectionState) : ChannelInboundHandlerAdapter() {
        override fun channelRead(ctx: ChannelHandlerContext, msg: Any) {
            if (msg is ByteBuf && msg.isReadable) state.sawBytes = true
            ctx.fireChannelRead(msg)
        }
    }

    private class MessageGuard(
        private val state: ConnectionState,
        private val maxHeaderCount: Int,
        private val headerTimeoutNanos: Long,
    ) : ChannelDuplexHandler() {
        private var deadline: ScheduledFuture<*>? = null
        private var rejecting = false

        override fun handlerAdded(ctx: ChannelHandlerContext) {
            if (ctx.channel().isActive) arm(ctx)
        }

        override fun channelActive(ctx: ChannelHandlerContext) {
            if (deadline == null) arm(ctx)
            ctx.fireChannelActive()
        }

        override fun channelInactive(ctx: ChannelHandlerContext) {
            disarm()
            ctx.fireChannelInactive()
        }

        override fun channelRead(ctx: ChannelHandlerContext, msg: Any) {
            if (rejecting) {
                ReferenceCountUtil.release(msg)
                return
            }
            if (msg is HttpRequest) {
                disarm()
                val failure = msg.decoderResult().cause()
                val status = when {
                    failure is TooLongHttpLineException -> HttpResponseStatus.REQUEST_URI_TOO_LONG
                    failure is TooLongHttpHeaderException -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    failure != null -> HttpResponseStatus.BAD_REQUEST
                    msg.headers().size() > maxHeaderCount -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    else -> null
                }
                if (status != null) {
                    ReferenceCountUtil.release(msg)
                    reject(ctx, status, failure?.message ?: "more than $maxHeaderCount header fields")
                    return
                }
                state.open++
            }
            ctx.fireChannelRead(msg)
        }

        override fun write(ctx: ChannelHandlerContext, msg: Any, promise: ChannelPromise) {
            val closeAfter = msg is HttpResponse &&
                msg.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
            if (closeAfter) closing = true
            if (msg is LastHttpContent) {
                val close = closing
                ctx.write(msg, promise)
                promise.addListener { future ->
                    if (close || !future.isSuccess) {
                        ctx.close()
                    } else {
                        state.open = maxOf(0, state.open - 1)
                        if (state.open == 0) {
                            state.sawBytes = false
                            arm(ctx)
                        }
                    }
                }
                closing = false
            } else {
                ctx.write(msg, promise)
            }
        }

        private var closing = false

        private fun reject(ctx: ChannelHandlerContext, status: HttpResponseStatus, reason: String) {
            rejecting = true
            val body = ctx.alloc().buffer().writeBytes("${status.code()} ${status.reasonPhrase()}: $reason\n".toByteArray())
            val response = DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body)
            response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
            // Straight to the encoder: the handlers after this one (Ktor's) never see the bad request.
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE)
        }

        private fun arm(ctx: ChannelHandlerContext) {
            disarm()
            deadline = ctx.executor().schedule({ timedOut(ctx) }, headerTimeoutNanos, TimeUnit.NANOSECONDS)
        }

        private fun disarm() {
            deadline?.cancel(false)
            deadline = null
        }

        private fun timedOut(ctx: ChannelHandlerContext) {
            deadline = null
            if (state.open > 0 || !ctx.channel().isActive) return
            if (state.sawBytes) {
                reject(ctx, HttpResponseStatus.REQUEST_TIMEOUT, "request headers not received in time")
            } else {
                ctx.close()
            }
        }
    }
}
