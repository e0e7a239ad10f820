package dev.corun.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import dev.corun.channels.WaitGroup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
}
