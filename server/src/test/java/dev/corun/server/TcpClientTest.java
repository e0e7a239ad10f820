package dev.corun.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The coroutine TCP client's calls and its error distinctions, over loopback. */
@Timeout(60)
class TcpClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A port that was bound and released: nothing listens there, so connecting is refused. */
    static int closedPort() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectSaysRefusedWithErrno111() throws Exception {
        int port = closedPort();
        Co.run(() -> {
            TcpClient c = new TcpClient();
            assertFalse(c.connect("127.0.0.1", port, WAIT));
            assertEquals(TcpError.REFUSED, c.error());
            assertEquals(111, c.errCode());
            assertTrue(c.errMsg().contains("127.0.0.1:" + port), c.errMsg());
        });
    }

    @Test
    void aConnectToAFullBacklogTimesOut() throws Exception {
        // A listener that never accepts, with a backlog of 1: once its accept queue is full the
        // kernel drops further SYNs, so the next connect can only time out.
        try (ServerSocket ss = new ServerSocket()) {
            ss.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            List<TcpClient> fillers = new ArrayList<>();
            TcpError[] last = {TcpError.NONE};
            Co.run(() -> {
                for (int i = 0; i < 20 && last[0] != TcpError.TIMEOUT; i++) {
                    TcpClient c = new TcpClient();
                    if (c.connect("127.0.0.1", ss.getLocalPort(), Duration.ofMillis(300))) {
                        fillers.add(c);
                    } else {
                        last[0] = c.error();
                        assertEquals(110, c.errCode(), c.errMsg());
                    }
                }
            });
            assertEquals(TcpError.TIMEOUT, last[0], "after " + fillers.size() + " connections filled the backlog");
            fillers.forEach(TcpClient::close);
        }
    }

    @Test
    void recvTimesOutAndTheConnectionStaysUsable() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Co.run(() -> {
                Co.go(() -> {
                    try (Socket peer = ss.accept()) {
                        byte[] b = new byte[5];
                        new java.io.DataInputStream(peer.getInputStream()).readFully(b); // "later" after the timeout
                        peer.getOutputStream().write("answer\n".getBytes(UTF_8));
                        peer.getInputStream().read();
                    }
                });
                TcpClient c = new TcpClient().framing(Framing.eol());
                assertTrue(c.connect("127.0.0.1", ss.getLocalPort(), WAIT));
                assertNull(c.recv(Duration.ofMillis(100)));
                assertEquals(TcpError.TIMEOUT, c.error());
                assertEquals(110, c.errCode());
                assertTrue(c.isConnected());
                assertTrue(c.send("later"));
                assertEquals("answer", c.recvString(WAIT));
                assertEquals(TcpError.NONE, c.error());
                c.close();
            });
        }
    }

    @Test
    void aResetByThePeerSaysResetAndAnOrderlyCloseSaysClosed() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Co.run(() -> {
                Co.go(() -> {
                    Socket reset = ss.accept();
                    reset.getInputStream().read(); // wait for the client's byte, so the RST follows data
                    reset.setSoLinger(true, 0);
                    reset.close();
                    Socket orderly = ss.accept();
                    orderly.close();
                });
                TcpClient a = new TcpClient();
                assertTrue(a.connect("127.0.0.1", ss.getLocalPort(), WAIT));
                assertTrue(a.send("x"));
                assertNull(a.recv(WAIT));
                assertEquals(TcpError.RESET, a.error(), a.errMsg());
                assertEquals(104, a.errCode());
                assertFalse(a.isConnected());
                TcpClient b = new TcpClient();
                assertTrue(b.connect("127.0.0.1", ss.getLocalPort(), WAIT));
                assertNull(b.recv(WAIT));
                assertEquals(TcpError.CLOSED, b.error(), b.errMsg());
            });
        }
    }

    @Test
    void lengthPrefixedRecvSplitsAReadHoldingSeveralFramesAndRejectsAnOversizeOne() throws Exception {
        Framing f = Framing.lengthPrefixed();
        try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Co.run(() -> {
                Co.go(() -> {
                    try (Socket peer = ss.accept()) {
                        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                        all.writeBytes(f.encode("one".getBytes(UTF_8)));
                        all.writeBytes(f.encode("two".getBytes(UTF_8)));
                        all.writeBytes(f.encode(new byte[200]));
                        peer.getOutputStream().write(all.toByteArray());
                        peer.getInputStream().read();
                    }
                });
                TcpClient c = new TcpClient().framing(f).maxFrameSize(100);
                assertTrue(c.connect("127.0.0.1", ss.getLocalPort(), WAIT));
                assertArrayEquals("one".getBytes(UTF_8), c.recv(WAIT));
                assertArrayEquals("two".getBytes(UTF_8), c.recv(WAIT));
                assertNull(c.recv(WAIT));
                assertEquals(TcpError.FRAME_TOO_LARGE, c.error());
                assertFalse(c.isConnected());
            });
        }
    }

    @Test
    void callsBeforeConnectSayNotConnected() {
        TcpClient c = new TcpClient();
        assertFalse(c.send("x"));
        assertEquals(TcpError.NOT_CONNECTED, c.error());
        assertNull(c.recv(WAIT));
        assertEquals(TcpError.NOT_CONNECTED, c.error());
    }

    @Test
    void aSendTimeoutClosesTheConnectionAndSaysTimeout() throws Exception {
        // The peer is held until the end: an unreachable socket may be closed by the GC's
        // cleaner mid-send, which the client would rightly report as a reset.
        AtomicReference<Socket> peer = new AtomicReference<>();
        try (ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Co.run(() -> {
                Co.go(() -> {
                    Socket s = ss.accept(); // never reads
                    s.setReceiveBufferSize(4096);
                    peer.set(s);
                });
                TcpClient c = new TcpClient();
                assertTrue(c.connect("127.0.0.1", ss.getLocalPort(), WAIT));
                assertFalse(c.send(new byte[64 * 1024 * 1024], Duration.ofMillis(200)));
                assertEquals(TcpError.TIMEOUT, c.error(), c.errMsg());
                assertFalse(c.isConnected());
            });
        } finally {
            if (peer.get() != null) peer.get().close();
        }
    }
}
