package dev.corun.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP server over real loopback sockets: framing, ordering, sends, bad peers. */
@Timeout(60)
class TcpServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<TcpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        for (TcpServer s : servers) {
            s.shutdown(Duration.ofSeconds(5));
        }
    }

    private TcpServer server(TcpServerOptions o) {
        TcpServer s = new TcpServer("127.0.0.1", 0).set(o);
        servers.add(s);
        return s;
    }

    private static TcpServer echo(TcpServer s) {
        return s.onReceive((srv, fd, r, data) -> srv.sendFrame(fd, data));
    }

    private static Socket connect(TcpServer s) throws Exception {
        Socket c = new Socket("127.0.0.1", s.port());
        c.setSoTimeout(10_000);
        c.setTcpNoDelay(true);
        return c;
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        int ch;
        while ((ch = in.read()) != '\n') {
            if (ch < 0) {
                return null;
            }
            b.append((char) ch);
        }
        return b.toString();
    }

    @Test
    void endOfLineFramesSplitOverWritesAndSeveralInOneWriteArriveWholeAndInOrder() throws Exception {
        TcpServer s = echo(server(new TcpServerOptions().framing(Framing.eol()))).start();
        try (Socket c = connect(s)) {
            OutputStream out = c.getOutputStream();
            out.write("hel".getBytes(UTF_8));
            out.flush();
            out.write("lo\nwor".getBytes(UTF_8));
            out.flush();
            out.write("ld\none\ntwo\nthree\n".getBytes(UTF_8));
            InputStream in = c.getInputStream();
            assertEquals(List.of("hello", "world", "one", "two", "three"),
                    List.of(readLine(in), readLine(in), readLine(in), readLine(in), readLine(in)));
        }
        assertEquals(5, s.stats().framesReceived());
    }

    @Test
    void lengthPrefixedFramesSplitAndCoalescedArriveWhole() throws Exception {
        TcpServer s = echo(server(new TcpServerOptions().framing(Framing.lengthPrefixed()))).start();
        Framing f = Framing.lengthPrefixed();
        try (Socket c = connect(s)) {
            byte[] big = new byte[100_000]; // spans many reads of the 8 KiB buffer
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            byte[] a = f.encode("first".getBytes(UTF_8));
            byte[] b = f.encode(big);
            byte[] cc = f.encode("third".getBytes(UTF_8));
            OutputStream out = c.getOutputStream();
            out.write(a, 0, 2); // half a header
            out.flush();
            ByteBuffer rest = ByteBuffer.allocate(a.length - 2 + b.length + cc.length).put(a, 2, a.length - 2).put(b).put(cc);
            out.write(rest.array());
            DataInputStream in = new DataInputStream(c.getInputStream());
            assertEquals("first", new String(readFrame(in), UTF_8));
            assertArrayEquals(big, readFrame(in));
            assertEquals("third", new String(readFrame(in), UTF_8));
        }
    }

    private static byte[] readFrame(DataInputStream in) throws Exception {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    @Test
    void rawFramingDeliversTheBytesAsTheyCome() throws Exception {
        LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
        TcpServer s = server(new TcpServerOptions()).onReceive((srv, fd, r, data) -> {
            got.add(data);
            srv.send(fd, data);
        }).start();
        try (Socket c = connect(s)) {
            c.getOutputStream().write("ping".getBytes(UTF_8));
            byte[] back = new byte[4];
            new DataInputStream(c.getInputStream()).readFully(back);
            assertEquals("ping", new String(back, UTF_8));
            assertEquals("ping", new String(got.poll(10, TimeUnit.SECONDS), UTF_8));
        }
    }

    @Test
    void anOversizeFrameClosesThatConnectionOnlyAndTheServerKeepsServing() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        TcpServer s = echo(server(new TcpServerOptions().framing(Framing.lengthPrefixed()).maxFrameSize(1000)))
                .onClose((srv, fd, r) -> closed.countDown()).start();
        try (Socket bad = connect(s)) {
            bad.getOutputStream().write(Framing.lengthPrefixed().encode(new byte[1001]));
            assertEquals(-1, bad.getInputStream().read(), "the server closes the connection without answering");
        }
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertEquals(1, s.stats().oversizeFrames());
        TcpClient good = new TcpClient().framing(Framing.lengthPrefixed());
        assertTrue(good.connect("127.0.0.1", s.port(), WAIT), good.errMsg());
        assertTrue(good.sendFrame(new byte[1000], WAIT));
        assertEquals(1000, good.recv(WAIT).length);
        good.close();
    }

    @Test
    void anAbruptResetIsAnOrdinaryCloseAndTheServerKeepsServing() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions().framing(Framing.eol()))
                .onReceive((srv, fd, r, d) -> received.countDown())
                .onClose((srv, fd, r) -> closed.countDown()).start();
        Socket c = connect(s);
        c.getOutputStream().write("partial frame then reset\nno end".getBytes(UTF_8));
        assertTrue(received.await(10, TimeUnit.SECONDS));
        c.setSoLinger(true, 0);
        c.close(); // RST
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        assertEquals(0, s.stats().connections());
        assertEquals(0, s.stats().handlerFailures());
        echo(s);
        try (Socket again = connect(s)) {
            again.getOutputStream().write("still here\n".getBytes(UTF_8));
            assertEquals("still here", readLine(again.getInputStream()));
        }
    }

    @Test
    void eachConnectionsEventsRunInOrderEachInACoroutineOfItsOwn() throws Exception {
        record Event(String kind, int fd, long cid, String data) {}
        List<Event> events = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(3);
        TcpServer s = server(new TcpServerOptions().framing(Framing.eol()))
                .onConnect((srv, fd, r) -> events.add(new Event("connect", fd, Co.getCid(), null)))
                .onReceive((srv, fd, r, d) -> {
                    Co.sleep(Duration.ofMillis(1)); // a handler that parks must still not be overtaken by the next event
                    events.add(new Event("receive", fd, Co.getCid(), new String(d, UTF_8)));
                })
                .onClose((srv, fd, r) -> {
                    events.add(new Event("close", fd, Co.getCid(), null));
                    closed.countDown();
                }).start();
        for (int i = 0; i < 3; i++) {
            try (Socket c = connect(s)) {
                c.getOutputStream().write("a\nb\nc\n".getBytes(UTF_8));
            }
        }
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        Set<Long> cids = ConcurrentHashMap.newKeySet();
        for (int fd : events.stream().mapToInt(Event::fd).distinct().toArray()) {
            List<String> seq = new ArrayList<>();
            for (Event e : events) {
                if (e.fd() == fd) {
                    seq.add(e.data() == null ? e.kind() : e.kind() + ":" + e.data());
                    assertNotEquals(-1, e.cid());
                    assertTrue(cids.add(e.cid()), "every event has its own coroutine");
                }
            }
            assertEquals(List.of("connect", "receive:a", "receive:b", "receive:c", "close"), seq, "fd " + fd);
        }
        assertEquals(15, events.size());
    }

    @Test
    void concurrentSendsToOneConnectionArriveIntactAndInEachSendersOrder() throws Exception {
        int senders = 50;
        int perSender = 200;
        TcpServer s = server(new TcpServerOptions().framing(Framing.lengthPrefixed()))
                .onConnect((srv, fd, r) -> {
                    for (int k = 0; k < senders; k++) {
                        int sender = k;
                        Co.go(() -> {
                            for (int i = 0; i < perSender; i++) {
                                byte[] payload = new byte[1000 + sender];
                                ByteBuffer.wrap(payload).putInt(sender).putInt(i);
                                java.util.Arrays.fill(payload, 8, payload.length, (byte) sender);
                                srv.sendFrame(fd, payload);
                            }
                        });
                    }
                }).start();
        try (Socket c = connect(s)) {
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(c.getInputStream()));
            int[] next = new int[senders];
            for (int n = 0; n < senders * perSender; n++) {
                byte[] f = readFrame(in);
                ByteBuffer b = ByteBuffer.wrap(f);
                int sender = b.getInt();
                int i = b.getInt();
                assertEquals(1000 + sender, f.length, "frame length of sender " + sender);
                for (int k = 8; k < f.length; k++) {
                    if (f[k] != (byte) sender) {
                        throw new AssertionError("frame " + i + " of sender " + sender + " is interleaved at byte " + k);
                    }
                }
                assertEquals(next[sender]++, i, "sender " + sender + "'s frames in order");
            }
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
        CountDownLatch connected = new CountDownLatch(2);
        TcpServer s = server(new TcpServerOptions().maxConnections(2))
                .onConnect((srv, fd, r) -> connected.countDown()).start();
        try (Socket a = connect(s); Socket b = connect(s)) {
            assertTrue(connected.await(10, TimeUnit.SECONDS));
            try (Socket c = connect(s)) {
                assertEquals(-1, c.getInputStream().read());
            }
            assertEquals(1, s.stats().refused());
            assertEquals(2, s.stats().connections());
        }
    }

    @Test
    void aThrowingHandlerIsCountedAndTheConnectionKeepsBeingServed() throws Exception {
        TcpServer s = server(new TcpServerOptions().framing(Framing.eol())).onReceive((srv, fd, r, d) -> {
            String m = new String(d, UTF_8);
            if (m.equals("boom")) {
                throw new IllegalStateException("handler failure on purpose");
            }
            if (m.equals("exit")) {
                Co.exit(3);
            }
            srv.send(fd, "ok " + m + "\n");
        }).start();
        try (Socket c = connect(s)) {
            c.getOutputStream().write("boom\nexit\nfine\n".getBytes(UTF_8));
            assertEquals("ok fine", readLine(c.getInputStream()));
        }
        assertEquals(2, s.stats().handlerFailures());
    }

    @Test
    void serverCloseEndsTheConnectionAndSendToAClosedFdFails() throws Exception {
        LinkedBlockingQueue<Integer> fds = new LinkedBlockingQueue<>();
        CountDownLatch closed = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions())
                .onConnect((srv, fd, r) -> fds.add(fd))
                .onClose((srv, fd, r) -> closed.countDown()).start();
        try (Socket c = connect(s)) {
            int fd = fds.poll(10, TimeUnit.SECONDS);
            assertTrue(s.exists(fd));
            assertTrue(s.close(fd));
            assertEquals(-1, c.getInputStream().read());
            assertTrue(closed.await(10, TimeUnit.SECONDS));
            assertFalse(s.send(fd, "late".getBytes(UTF_8)));
            assertFalse(s.exists(fd));
            assertFalse(s.close(fd));
        }
    }

    @Test
    void aSlowHandlerStopsReadingItsConnectionInsteadOfBuffering() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch first = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions().framing(Framing.lengthPrefixed()))
                .onReceive((srv, fd, r, d) -> {
                    first.countDown();
                    release.await();
                }).start();
        try (Socket c = connect(s)) {
            c.setSendBufferSize(64 * 1024);
            OutputStream out = c.getOutputStream();
            byte[] frame = Framing.lengthPrefixed().encode(new byte[60_000]);
            out.write(frame);
            assertTrue(first.await(10, TimeUnit.SECONDS));
            // The handler holds frame 1; keep writing from a thread until TCP stops us.
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 1000; i++) {
                        out.write(frame);
                    }
                } catch (Exception ignored) {
                    // the socket closes at the end of the test
                }
            });
            writer.join(2000);
            assertTrue(writer.isAlive(), "60 MB cannot all be written while the server does not read");
            long received = s.stats().bytesReceived();
            assertTrue(received < 20_000_000, "the server read only a bounded amount: " + received);
            release.countDown();
            writer.join(30_000);
        }
    }

    @Test
    void aConnectionThatSendsNothingForTheIdleTimeoutIsClosedAndGetsItsCloseEvent() throws Exception {
        CountDownLatch closedEvent = new CountDownLatch(1);
        TcpServer s = echo(server(new TcpServerOptions().framing(Framing.eol()).idleTimeout(Duration.ofMillis(300))))
                .onClose((srv, fd, r) -> closedEvent.countDown())
                .start();
        try (Socket c = connect(s)) {
            c.getOutputStream().write("ping\n".getBytes(UTF_8));
            assertEquals("ping", readLine(c.getInputStream()));
            assertEquals(-1, c.getInputStream().read(), "the server closes the idle connection");
            assertTrue(closedEvent.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aConnectionThatKeepsTalkingOutlivesTheIdleTimeout() throws Exception {
        TcpServer s = echo(server(new TcpServerOptions().framing(Framing.eol()).idleTimeout(Duration.ofSeconds(2)))).start();
        try (Socket c = connect(s)) {
            long start = System.nanoTime();
            int exchanges = 0;
            // Talk for longer than the idle timeout, with pauses well inside it.
            while (System.nanoTime() - start < Duration.ofMillis(3000).toNanos()) {
                c.getOutputStream().write(("n" + exchanges + "\n").getBytes(UTF_8));
                assertEquals("n" + exchanges, readLine(c.getInputStream()));
                exchanges++;
                Thread.sleep(100); // pacing, not synchronisation
            }
            assertTrue(exchanges > 5);
        }
    }

    @Test
    void aSendToAPeerThatStopsReadingFailsAfterTheSendTimeoutAndResetsTheConnection() throws Exception {
        LinkedBlockingQueue<Boolean> sent = new LinkedBlockingQueue<>();
        CountDownLatch closedEvent = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions().sendTimeout(Duration.ofMillis(300)))
                .onConnect((srv, fd, r) -> sent.add(srv.send(fd, new byte[64 * 1024 * 1024])))
                .onClose((srv, fd, r) -> closedEvent.countDown())
                .start();
        try (Socket c = connect(s)) { // never reads
            c.setReceiveBufferSize(4096);
            assertEquals(Boolean.FALSE, sent.poll(10, TimeUnit.SECONDS), "the send gives up");
            assertTrue(closedEvent.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void timeoutOptionsRefuseNegativeDurationsAndDefaultToNoIdleLimitAndA60sSendLimit() {
        TcpServerOptions o = new TcpServerOptions();
        assertEquals(Duration.ZERO, o.idleTimeout());
        assertEquals(Duration.ofSeconds(60), o.sendTimeout());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> o.idleTimeout(Duration.ofSeconds(-1)));
        assertTrue(e.getMessage().contains("idleTimeout"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> o.sendTimeout(Duration.ofMillis(-1)));
    }
}
