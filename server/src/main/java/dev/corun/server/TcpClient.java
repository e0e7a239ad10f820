package dev.corun.server;

import dev.corun.internal.Blocking;
import dev.corun.server.internal.FrameDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A TCP client for coroutines: Swoole's {@code Swoole\Coroutine\Client}. Calls block in style
 * and park the calling Java coroutine (a virtual thread on corun's scheduler), never a carrier;
 * from Kotlin, use the suspend extensions ({@code coConnect}, {@code coSend}, {@code coRecv}).
 *
 * <pre>{@code
 * TcpClient c = new TcpClient().framing(Framing.eol());
 * if (!c.connect("127.0.0.1", 9501, Duration.ofSeconds(1))) {
 *     System.out.println("connect failed: " + c.error() + " (" + c.errCode() + ") " + c.errMsg());
 * } else {
 *     c.send("hello\n");
 *     byte[] line = c.recv(Duration.ofSeconds(1));   // one line, without "\n"; null on failure
 *     c.close();
 * }
 * }</pre>
 *
 * <p>Errors are reported Swoole's way: the call returns false or null and {@link #error()} /
 * {@link #errCode()} / {@link #errMsg()} say why, with {@link TcpError} telling a refused connect,
 * a timeout, a reset and an orderly close apart. A timeout on {@code recv} leaves the
 * connection usable; a timeout on {@code send} closes it (how much was written is unknown);
 * every other failure closes it. One client is used by one coroutine at a time.
 */
public final class TcpClient implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private Framing framing = Framing.raw();
    private int maxFrameSize = 2 * 1024 * 1024;
    private int readBufferSize = 8 * 1024;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private FrameDecoder decoder;
    private byte[] buffer;
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private FrameTooLargeException pendingError; // reported once the frames before it are taken
    private TcpError error = TcpError.NONE;
    private String errMsg = "";

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "corun-tcp-client-timeouts");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** How {@link #recv} cuts the stream into messages (default raw: each read). Set before connect. */
    public TcpClient framing(Framing f) {
        this.framing = Objects.requireNonNull(f, "framing");
        return this;
    }

    /** The longest message {@link #recv} accepts (default 2 MiB); longer ones fail with FRAME_TOO_LARGE. */
    public TcpClient maxFrameSize(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxFrameSize must be positive, got " + bytes);
        }
        this.maxFrameSize = bytes;
        return this;
    }

    /**
     * Connects to {@code host:port}, giving up after {@code timeout} (null or negative: the
     * system's own connect timeout).
     *
     * @return true when connected; false with {@link #error()} REFUSED, TIMEOUT, UNREACHABLE,
     *         UNKNOWN_HOST or OTHER
     */
    public boolean connect(String host, int port, Duration timeout) {
        Blocking.check("TcpClient.connect()", "coConnect()");
        close();
        clearError();
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), millis(timeout));
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            decoder = FrameDecoder.create(framing, maxFrameSize);
            pendingError = null;
            buffer = new byte[readBufferSize];
            frames.clear();
            return true;
        } catch (IOException e) {
            closeQuietly(s);
            return fail(e, "connect to " + host + ":" + port);
        } catch (IllegalArgumentException e) { // bad port
            closeQuietly(s);
            error = TcpError.OTHER;
            errMsg = "connect to " + host + ":" + port + ": " + e.getMessage();
            return false;
        }
    }

    /** {@link #send(byte[], Duration)} with no timeout. */
    public boolean send(byte[] data) {
        return send(data, null);
    }

    /** Sends the string's UTF-8 bytes, no timeout. */
    public boolean send(String data) {
        return send(data.getBytes(StandardCharsets.UTF_8), null);
    }

    /** Sends {@code payload} framed by this client's {@link Framing}. */
    public boolean sendFrame(byte[] payload, Duration timeout) {
        return send(framing.encode(payload), timeout);
    }

    /**
     * Writes all of {@code data}, parking while the peer does not read.
     *
     * @param timeout null or negative: no timeout; if it passes first the connection is closed
     *                and the call fails with TIMEOUT
     * @return true when everything was handed to the kernel; false with {@link #error()}
     */
    public boolean send(byte[] data, Duration timeout) {
        Blocking.check("TcpClient.send()", "coSend()");
        Objects.requireNonNull(data, "data");
        clearError();
        if (socket == null) {
            return notConnected();
        }
        Socket s = socket;
        ScheduledFuture<?> watchdog = null;
        boolean[] timedOut = new boolean[1];
        if (timeout != null && !timeout.isNegative()) {
            watchdog = WATCHDOG.schedule(() -> {
                timedOut[0] = true;
                closeQuietly(s);
            }, Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
        }
        try {
            out.write(data);
            return true;
        } catch (IOException e) {
            close();
            return timedOut[0] ? fail(new SocketTimeoutException("send timed out after " + timeout), "send")
                    : fail(e, "send");
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * Receives one message: a frame with length-prefixed or end-of-line framing (without its
     * header or delimiter), or the bytes of one read with raw framing.
     *
     * @param timeout null or negative: wait forever
     * @return the message, or null with {@link #error()}: TIMEOUT (connection still usable),
     *         CLOSED (the peer closed; Swoole's {@code ''}), RESET, FRAME_TOO_LARGE or OTHER
     */
    public byte[] recv(Duration timeout) {
        Blocking.check("TcpClient.recv()", "coRecv()");
        clearError();
        byte[] f = frames.poll();
        if (f != null) {
            return f;
        }
        if (pendingError != null) {
            FrameTooLargeException e = pendingError;
            pendingError = null;
            close();
            fail(e, "recv");
            return null;
        }
        if (socket == null) {
            notConnected();
            return null;
        }
        long deadline = timeout == null || timeout.isNegative() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        List<byte[]> got = new ArrayList<>();
        try {
            while (true) {
                int ms = 0;
                if (deadline != Long.MAX_VALUE) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("recv timed out after " + timeout);
                    }
                    ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
                }
                socket.setSoTimeout(ms);
                int n = in.read(buffer);
                if (n < 0) {
                    close();
                    error = TcpError.CLOSED;
                    errMsg = "recv: the peer closed the connection";
                    return null;
                }
                try {
                    decoder.feed(buffer, 0, n, got);
                } catch (FrameTooLargeException e) {
                    if (got.isEmpty()) {
                        throw e;
                    }
                    pendingError = e; // deliver the frames that came before it first
                } finally {
                    frames.addAll(got);
                    got.clear();
                }
                f = frames.poll();
                if (f != null) {
                    return f;
                }
            }
        } catch (SocketTimeoutException e) {
            fail(e, "recv");
            return null;
        } catch (IOException e) {
            close();
            fail(e, "recv");
            return null;
        }
    }

    /** {@link #recv} decoded as UTF-8, or null. */
    public String recvString(Duration timeout) {
        byte[] b = recv(timeout);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** Closes the connection (idempotent); the client can {@link #connect} again. */
    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            closeQuietly(s);
        }
    }

    public boolean isConnected() {
        return socket != null && !socket.isClosed();
    }

    /** Why the last call failed, or NONE. */
    public TcpError error() {
        return error;
    }

    /** Swoole's {@code errCode}: {@link TcpError#code()} of the last failure, 0 if none. */
    public int errCode() {
        return error.code();
    }

    /** Swoole's {@code errMsg}: what failed and why, or "". */
    public String errMsg() {
        return errMsg;
    }

    private void clearError() {
        error = TcpError.NONE;
        errMsg = "";
    }

    private boolean notConnected() {
        error = TcpError.NOT_CONNECTED;
        errMsg = "not connected: call connect() first";
        return false;
    }

    private boolean fail(IOException e, String what) {
        error = TcpError.of(e);
        errMsg = what + ": " + error.description() + " (" + e.getMessage() + ")";
        return false;
    }

    private static int millis(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            return 0;
        }
        long ms = Math.max(1, timeout.toMillis());
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
