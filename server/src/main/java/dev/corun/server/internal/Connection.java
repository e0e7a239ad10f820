package dev.corun.server.internal;

import dev.corun.server.FrameTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One accepted connection and the coroutine that reads it.
 *
 * <p>The reader coroutine (a virtual thread, parked cheaply in {@code read}) delivers the
 * connection's events strictly in order: connect, then each frame, then close. It hands each
 * event to the {@link Host}, which runs the handler as a coroutine of its own and returns when
 * that handler has ended; only then is the next frame read. So a slow handler stops the reads of
 * its connection, the kernel's receive buffer fills, and TCP flow control slows the sender:
 * back-pressure without an unbounded queue (at most one read buffer of decoded frames is held).
 *
 * <p>Writes go through {@link #write}: one fair lock per connection, held for the whole buffer,
 * so concurrent sends to one connection each arrive contiguous and in the order they took the
 * lock. A blocked write (slow reader on the other side) parks the sending coroutine.
 *
 * <p>Timeouts: with an idle timeout, a read that waits longer for data closes the connection
 * (socket read timeout). A write is handed to the socket in pieces of {@link #WRITE_PIECE} bytes,
 * and {@link #writeStalledSince} tells when the piece in progress started, so the server's send
 * watchdog can reset a connection whose peer has accepted nothing for the send timeout (a blocked
 * socket write has no timeout of its own).
 */
public final class Connection implements Runnable {
    private static final System.Logger LOG = System.getLogger("dev.corun.server");

    /** What the connection needs from its server. */
    public interface Host {
        /** Runs the connect handler and returns when it has ended. */
        void connected(Connection c);

        /** Runs the receive handler for one frame and returns when it has ended. */
        void received(Connection c, byte[] frame);

        /** The frame decoder rejected a frame; the connection is about to close. */
        void frameTooLarge(Connection c, FrameTooLargeException e);

        /** Runs the close handler (the socket is closed by now) and forgets the connection. */
        void closed(Connection c);

        void countIn(int bytes);

        void countOut(int bytes);
    }

    public final int fd;
    private final Socket socket;
    private final Host host;
    private final FrameDecoder decoder;
    private final int readBufferSize;
    /** Bytes given to the socket per write call: the send watchdog sees progress at least this often. */
    static final int WRITE_PIECE = 64 * 1024;

    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final OutputStream out;
    private final int idleTimeoutMillis;
    /** {@code System.nanoTime()} when the piece being written started (odd: never 0), or 0 when no write is in progress. */
    private volatile long pieceStartedNanos;
    private volatile boolean closed;
    /** Released by each handler of this connection when it ends; the reader waits on it. */
    public final java.util.concurrent.Semaphore handlerDone = new java.util.concurrent.Semaphore(0);

    /** @param idleTimeoutMillis longest wait for data before the connection is closed; 0: no limit */
    public Connection(int fd, Socket socket, Host host, FrameDecoder decoder, int readBufferSize, int idleTimeoutMillis) throws IOException {
        this.fd = fd;
        this.socket = socket;
        this.host = host;
        this.decoder = decoder;
        this.readBufferSize = readBufferSize;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.out = socket.getOutputStream();
    }

    @Override
    public void run() {
        try {
            host.connected(this);
            if (!closed) {
                readLoop();
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "connection " + fd + ": reader failed; closing it", t);
        } finally {
            close();
            host.closed(this);
        }
    }

    private void readLoop() {
        byte[] buf = new byte[readBufferSize];
        List<byte[]> frames = new ArrayList<>();
        InputStream in;
        try {
            in = socket.getInputStream();
            socket.setSoTimeout(idleTimeoutMillis);
        } catch (IOException e) {
            return;
        }
        while (!closed) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                return; // silent for the idle timeout: the close event follows
            } catch (IOException e) {
                return; // reset by the peer, or closed by the server: the close event follows
            }
            if (n < 0) {
                return;
            }
            host.countIn(n);
            FrameTooLargeException tooLarge = null;
            try {
                decoder.feed(buf, 0, n, frames);
            } catch (FrameTooLargeException e) {
                tooLarge = e;
            }
            for (int i = 0; i < frames.size() && !closed; i++) {
                byte[] f = frames.get(i);
                frames.set(i, null);
                host.received(this, f);
            }
            frames.clear();
            if (tooLarge != null) {
                host.frameTooLarge(this, tooLarge);
                return;
            }
        }
    }

    /**
     * Writes all of {@code data}, contiguous, parking the calling coroutine while the socket's
     * buffer is full. Returns false (and closes the connection) if the connection is closed or
     * the write fails.
     */
    public boolean write(byte[] data, int off, int len) {
        if (closed) {
            return false;
        }
        writeLock.lock();
        try {
            if (closed) {
                return false;
            }
            for (int done = 0; done < len; ) {
                int piece = Math.min(WRITE_PIECE, len - done);
                pieceStartedNanos = System.nanoTime() | 1;
                out.write(data, off + done, piece);
                done += piece;
            }
            host.countOut(len);
            return true;
        } catch (IOException e) {
            close();
            return false;
        } finally {
            pieceStartedNanos = 0;
            writeLock.unlock();
        }
    }

    /**
     * True if a write is in progress and its current piece has waited for the peer since before
     * {@code nanos} ({@code System.nanoTime()} terms).
     */
    public boolean writeStalledSince(long nanos) {
        long started = pieceStartedNanos;
        return started != 0 && started - nanos < 0;
    }

    /** Closes the socket; the reader then delivers the close event. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do with a socket that fails to close
        }
    }

    /** Closes at once with a reset (SO_LINGER 0), for a peer that must not get buffered data. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        close();
    }

    public boolean isClosed() {
        return closed;
    }

    public String remote() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }
}
