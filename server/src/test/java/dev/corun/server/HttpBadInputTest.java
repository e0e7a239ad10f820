package dev.corun.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import dev.corun.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every bad-input case over a real socket, written byte by byte as a broken or hostile client would. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpBadInputTest {
    private static HttpServer server;
    private static final CompletableFuture<Long> streamingCid = new CompletableFuture<>();
    private static final CompletableFuture<Long> sleepingCid = new CompletableFuture<>();
    private static final CompletableFuture<Status> sleepResult = new CompletableFuture<>();
    private static final CompletableFuture<Long> lateCid = new CompletableFuture<>();
    private static final CompletableFuture<Long> callerCid = new CompletableFuture<>();
    private static final CompletableFuture<String> callOutcome = new CompletableFuture<>();
    private static final CompletableFuture<String> lateOutcome = new CompletableFuture<>();

    @BeforeAll
    static void start() {
        server = new HttpServer("127.0.0.1", 0)
                .set(new HttpServerOptions()
                        .maxInitialLineLength(1024)
                        .maxHeaderSize(2048)
                        .maxHeaderCount(20)
                        .maxBodySize(1024)
                        .headerTimeout(Duration.ofMillis(500)))
                .on("/echo", (req, resp) -> resp.end("got " + req.rawContent().length))
                .on("/stream", (req, resp) -> {
                    streamingCid.complete(Co.getCid());
                    while (resp.write("tick\n")) {
                        Co.sleep(Duration.ofMillis(20));
                    }
                })
                .on("/sleep", (req, resp) -> {
                    sleepingCid.complete(Co.getCid());
                    resp.write("started\n");
                    sleepResult.complete(Co.sleep(Duration.ofSeconds(120)));
                    resp.end("late");
                })
                .on("/late-headers", (req, resp) -> {
                    lateCid.complete(Co.getCid());
                    Co.sleep(Duration.ofSeconds(120)); // cancelled when the client leaves
                    resp.status(201).header("X-Late", "1").cookie("c", "v"); // ignored, not thrown
                    lateOutcome.complete(resp.isAborted() + " " + resp.end("x"));
                })
                .on("/never", (req, resp) -> Co.sleep(Duration.ofSeconds(120)))
                .on("/calls-out", (req, resp) -> {
                    callerCid.complete(Co.getCid());
                    resp.write("calling\n");
                    HttpClient cli = new HttpClient("127.0.0.1", server.port()).set(new HttpClientOptions().timeout(Duration.ofSeconds(100)));
                    callOutcome.complete(cli.get("/never") + " " + cli.getStatusCode());
                })
                .on("request", (req, resp) -> resp.end("ok"))
                .start();
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    private static String exchange(String bytes) throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            return raw.send(bytes).readAll();
        }
    }

    @Test
    void aGoodRequestStillWorks() throws Exception {
        String r = exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(r), r);
    }

    @Test
    void malformedRequestLineIs400() throws Exception {
        String r = exchange("THIS IS NOT HTTP\r\n\r\n");
        assertEquals(400, RawHttp.status(r), r);
    }

    @Test
    void malformedHeaderIs400() throws Exception {
        String r = exchange("GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n");
        assertEquals(400, RawHttp.status(r), r);
    }

    @Test
    void tooLongRequestLineIs414() throws Exception {
        String r = exchange("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(414, RawHttp.status(r), r);
    }

    @Test
    void tooLargeHeadersAre431() throws Exception {
        String r = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(4000) + "\r\n\r\n");
        assertEquals(431, RawHttp.status(r), r);
    }

    @Test
    void tooManyHeadersAre431() throws Exception {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 30; i++) {
            sb.append("X-H").append(i).append(": v\r\n");
        }
        String r = exchange(sb.append("\r\n").toString());
        assertEquals(431, RawHttp.status(r), r);
    }

    @Test
    void declaredBodyOverTheLimitIs413BeforeTheBodyIsSent() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            // Only the headers: the server must answer without waiting for 10 MB it will never get.
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
            String r = raw.readAll();
            assertEquals(413, RawHttp.status(r), r);
        }
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "400\r\n" + "z".repeat(0x400) + "\r\n";
            raw.send(chunk).send(chunk); // 2 KiB, limit 1 KiB; the stream is never finished
            String r = raw.readAll();
            assertEquals(413, RawHttp.status(r), r);
        }
    }

    @Test
    void bodyWithinTheLimitIsRead() throws Exception {
        String r = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(200, RawHttp.status(r), r);
        assertTrue(r.endsWith("got 5"), r);
    }

    @Test
    void slowHeadersAreCutOffWith408() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n"); // never the blank line
            String r = raw.readAll();
            assertEquals(408, RawHttp.status(r), r);
        }
    }

    @Test
    void anIdleConnectionIsClosedSilently() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            String r = raw.readAll();
            assertEquals("", r);
        }
    }

    @Test
    void keepAliveWorksAcrossTheHeaderDeadline() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(raw.readUntil("ok").endsWith("ok"));
            raw.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(200, RawHttp.status(raw.readAll()));
        }
    }

    @Test
    void aClientLeavingMidStreamEndsTheHandlersCoroutine() throws Exception {
        long cid;
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            raw.readUntil("tick");
            cid = streamingCid.get(10, TimeUnit.SECONDS);
            assertTrue(Co.exists(cid));
        }
        Co.join(new long[] {cid}, Duration.ofSeconds(20));
        assertFalse(Co.exists(cid), "the streaming handler's coroutine ended after the client left");
    }

    @Test
    void aClientLeavingCancelsAHandlerBlockedInSleep() throws Exception {
        long cid;
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
            raw.readUntil("started");
            cid = sleepingCid.get(10, TimeUnit.SECONDS);
        }
        assertEquals(Status.CANCELED, sleepResult.get(20, TimeUnit.SECONDS));
        Co.join(new long[] {cid}, Duration.ofSeconds(20));
        assertFalse(Co.exists(cid));
    }

    @Test
    void aHandlerSettingHeadersAfterTheClientLeftDoesNotFail() throws Exception {
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /late-headers HTTP/1.1\r\nHost: x\r\n\r\n");
            lateCid.get(10, TimeUnit.SECONDS);
        }
        assertEquals("true false", lateOutcome.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aClientLeavingEndsAHandlerBlockedInAnHttpClientCall() throws Exception {
        long cid;
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET /calls-out HTTP/1.1\r\nHost: x\r\n\r\n");
            raw.readUntil("calling");
            cid = callerCid.get(10, TimeUnit.SECONDS);
        }
        Co.join(new long[] {cid}, Duration.ofSeconds(20));
        assertFalse(Co.exists(cid), "the handler blocked in HttpClient.get ended after its client left: " + callOutcome.getNow("still waiting"));
    }
}
