package dev.corun.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import dev.corun.channels.WaitGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpClientTest {
    private static HttpServer server;
    private static final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private static final CompletableFuture<Void> parked = new CompletableFuture<>();

    @BeforeAll
    static void start() {
        server = new HttpServer("127.0.0.1", 0)
                .on("/hello", (req, resp) -> resp.header("X-Server", "corun").end("hello " + req.header("user-agent")))
                .on("/form", (req, resp) -> resp.end(req.post("a") + "+" + req.post("b")))
                .on("/raw", (req, resp) -> resp.end(req.header("content-type") + ":" + req.body()))
                .on("/query", (req, resp) -> resp.end(req.get("x")))
                .on("/slow", (req, resp) -> { Co.sleep(Duration.ofSeconds(30)); resp.end("late"); })
                .on("/count", (req, resp) -> {
                    clientPorts.add(req.remoteAddress().getPort());
                    resp.end("n");
                })
                .on("/chunks", (req, resp) -> {
                    for (int i = 0; i < 3; i++) {
                        resp.write(i + ";");
                    }
                    resp.end("end");
                })
                .on("/trickle", (req, resp) -> { resp.write("x"); Co.sleep(Duration.ofSeconds(30)); resp.end(); })
                .on("/park", (req, resp) -> { parked.complete(null); Co.sleep(Duration.ofSeconds(30)); resp.end("late"); })
                .on("/len", (req, resp) -> resp.end(String.valueOf(req.rawContent().length)))
                .on("request", (req, resp) -> resp.status(404).end("no"))
                .start();
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    @Test
    void getAndPostFromAJavaCoroutine() {
        AtomicReference<String> seen = new AtomicReference<>();
        Co.run(() -> {
            HttpClient cli = new HttpClient("127.0.0.1", server.port());
            cli.setHeaders(Map.of("User-Agent", "Chrome/49.0.2587.3"));
            assertTrue(cli.get("/hello"), cli::getErrMsg);
            String a = cli.getStatusCode() + " " + cli.getBody() + " " + cli.getHeaders().get("x-server");
            assertTrue(cli.post("/form", Map.of("a", "1", "b", "two words")));
            String b = cli.getBody();
            cli.setHeaders(Map.of("Content-Type", "application/json"));
            assertTrue(cli.post("/raw", "{\"k\":1}"));
            String c = cli.getBody();
            assertTrue(cli.get("/query?x=y%20z"));
            String d = cli.getBody();
            assertTrue(cli.get("/missing"));
            seen.set(String.join("|", a, b, c, d, String.valueOf(cli.getStatusCode())));
        });
        assertEquals("200 hello Chrome/49.0.2587.3 corun|1+two words|application/json:{\"k\":1}|y z|404", seen.get());
    }

    @Test
    void aTimeoutIsMinus2() {
        AtomicInteger status = new AtomicInteger();
        Co.run(() -> {
            HttpClient cli = new HttpClient("127.0.0.1", server.port()).set(new HttpClientOptions().timeout(Duration.ofMillis(300)));
            assertFalse(cli.get("/slow"));
            status.set(cli.getStatusCode());
        });
        assertEquals(HttpClient.STATUS_TIMEOUT, status.get());
    }

    @Test
    void nothingListeningIsMinus1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        AtomicReference<String> seen = new AtomicReference<>();
        Co.run(() -> {
            HttpClient cli = new HttpClient("127.0.0.1", port);
            assertFalse(cli.get("/"));
            seen.set(cli.getStatusCode() + " " + cli.getErrMsg().isEmpty());
        });
        assertEquals("-1 false", seen.get());
    }

    @Test
    void aServerClosingWithoutAnAnswerIsMinus3() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread closer = Thread.ofPlatform().daemon().start(() -> {
                try (Socket c = s.accept()) {
                    InputStream in = c.getInputStream();
                    in.read(new byte[4096]); // the request arrived
                    c.setSoLinger(true, 0);  // close with RST
                } catch (Exception ignored) {
                    // the test asserts the client side
                }
            });
            AtomicInteger status = new AtomicInteger();
            Co.run(() -> {
                HttpClient cli = new HttpClient("127.0.0.1", s.getLocalPort());
                assertFalse(cli.get("/"));
                status.set(cli.getStatusCode());
            });
            closer.join(10_000);
            assertEquals(HttpClient.STATUS_SERVER_RESET, status.get());
        }
    }

    @Test
    void sequentialCallsReuseOneConnection() {
        clientPorts.clear();
        Co.run(() -> {
            HttpClient cli = new HttpClient("127.0.0.1", server.port()).set(new HttpClientOptions().poolSize(4));
            for (int i = 0; i < 200; i++) {
                assertTrue(cli.get("/count"));
            }
        });
        assertEquals(1, clientPorts.size(), "connections used by 200 sequential requests: " + clientPorts);
    }

    @Test
    void concurrentCallsStayWithinThePool() {
        clientPorts.clear();
        int pool = 8;
        AtomicInteger ok = new AtomicInteger();
        Co.run(() -> {
            WaitGroup wg = new WaitGroup();
            for (int c = 0; c < 50; c++) {
                wg.add();
                Co.go(() -> {
                    HttpClient cli = new HttpClient("127.0.0.1", server.port()).set(new HttpClientOptions().poolSize(pool));
                    for (int i = 0; i < 4; i++) {
                        if (cli.get("/count") && cli.getStatusCode() == 200) {
                            ok.incrementAndGet();
                        }
                    }
                    wg.done();
                });
            }
            wg.await();
        });
        assertEquals(200, ok.get());
        assertTrue(clientPorts.size() <= pool, "200 concurrent requests used " + clientPorts.size() + " connections, pool " + pool);
    }

    @Test
    void aChunkedResponseIsReadWhole() {
        AtomicReference<String> seen = new AtomicReference<>();
        Co.run(() -> {
            HttpClient cli = new HttpClient("127.0.0.1", server.port());
            assertTrue(cli.get("/chunks"), cli::getErrMsg);
            assertTrue(cli.get("/chunks"), cli::getErrMsg); // and the connection is reusable after it
            seen.set(cli.getStatusCode() + " " + cli.getBody() + " " + cli.getHeaders().get("transfer-encoding"));
        });
        assertEquals("200 0;1;2;end chunked", seen.get());
    }

    @Test
    void theTimeoutAlsoBoundsASlowBody() {
        AtomicReference<String> seen = new AtomicReference<>();
        Co.run(() -> {
            HttpClient cli = new HttpClient("127.0.0.1", server.port()).set(new HttpClientOptions().timeout(Duration.ofMillis(300)));
            assertFalse(cli.get("/trickle")); // the head and a first chunk arrive, the rest never does
            seen.set(cli.getStatusCode() + " " + cli.getErrMsg());
        });
        assertEquals(HttpClient.STATUS_TIMEOUT + " no complete response within 300 ms", seen.get());
    }

    @Test
    void cancellingACoroutineWaitingForAResponseEndsItsCall() {
        AtomicReference<String> seen = new AtomicReference<>();
        Co.run(() -> {
            long cid = Co.go(() -> {
                HttpClient cli = new HttpClient("127.0.0.1", server.port()).set(new HttpClientOptions().timeout(Duration.ofSeconds(30)));
                boolean ok = cli.get("/park");
                seen.set(ok + " " + cli.getStatusCode() + " " + cli.getErrMsg());
            });
            parked.get(10, TimeUnit.SECONDS); // the request reached the handler: the caller waits for the response
            assertTrue(Co.cancel(cid));
            assertEquals(dev.corun.Status.OK, Co.join(new long[] {cid}, Duration.ofSeconds(10)));
        });
        assertEquals("false -2 interrupted (cancelled) while waiting for the response", seen.get());
    }

    @Test
    void bodiesAtAndOverTheBlockingLimitArriveWhole() {
        AtomicReference<String> seen = new AtomicReference<>();
        Co.run(() -> {
            HttpClient cli = new HttpClient("127.0.0.1", server.port());
            assertTrue(cli.post("/len", "x".repeat(HttpClient.MAX_BLOCKING_BODY + 1)), cli::getErrMsg);
            String big = cli.getBody();
            assertTrue(cli.post("/len", "x".repeat(HttpClient.MAX_BLOCKING_BODY)), cli::getErrMsg);
            seen.set(big + " " + cli.getBody());
        });
        assertEquals((HttpClient.MAX_BLOCKING_BODY + 1) + " " + HttpClient.MAX_BLOCKING_BODY, seen.get());
    }

    @Test
    void aGetOnAConnectionTheServerClosedWhileIdleIsRetriedOnAFreshOne() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = answerOncePerConnection(s, new CountDownLatch(1));
            AtomicReference<String> seen = new AtomicReference<>();
            Co.run(() -> {
                HttpClient cli = new HttpClient("127.0.0.1", s.getLocalPort());
                assertTrue(cli.get("/"), cli::getErrMsg);
                String first = cli.getBody();
                assertTrue(cli.get("/"), cli::getErrMsg); // the pooled connection is dead by now
                seen.set(first + cli.getBody());
            });
            peer.join(10_000);
            assertEquals("ab", seen.get());
        }
    }

    @Test
    void aPostIsNotSentOnAConnectionTheServerClosedWhileIdle() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CountDownLatch firstClosed = new CountDownLatch(1);
            Thread peer = answerOncePerConnection(s, firstClosed);
            AtomicReference<String> seen = new AtomicReference<>();
            Co.run(() -> {
                HttpClient cli = new HttpClient("127.0.0.1", s.getLocalPort());
                assertTrue(cli.get("/"), cli::getErrMsg);
                String first = cli.getBody();
                firstClosed.await(10, TimeUnit.SECONDS); // the pooled connection is closed by the server now
                // A POST is never retried (it may have had an effect), so it must not go out on the dead one.
                assertTrue(cli.post("/", "x"), cli::getErrMsg);
                seen.set(first + cli.getBody());
            });
            peer.join(10_000);
            assertEquals("ab", seen.get());
        }
    }

    /**
     * A peer that answers one request on each of two connections ("a", then "b") and closes each
     * after its answer, like a server closing idle keep-alive connections; {@code firstClosed}
     * opens once the first connection is closed.
     */
    private static Thread answerOncePerConnection(ServerSocket s, CountDownLatch firstClosed) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String body : new String[] {"a", "b"}) {
                    try (Socket c = s.accept()) {
                        c.getInputStream().read(new byte[4096]);
                        OutputStream out = c.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + body).getBytes());
                        out.flush();
                    }
                    firstClosed.countDown();
                }
            } catch (Exception ignored) {
                // the test asserts the client side
            }
        });
    }
}
