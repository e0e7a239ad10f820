package dev.corun.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import dev.corun.ExitException;
import dev.corun.channels.Channel;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpServerTest {
    private final java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    private HttpServer start(HttpServer s) {
        server = s;
        return s.start();
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private java.net.http.HttpResponse<String> get(String pathAndQuery) throws Exception {
        return jdk.send(java.net.http.HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                BodyHandlers.ofString());
    }

    /**
     * A Java handler starts on the reactor thread (its virtual thread mounted there) and runs on
     * a carrier once it has parked; with startHandlersOnReactor(false) it starts on a carrier.
     * A mounted virtual thread's toString names the thread it is mounted on.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aJavaHandlerRunsOnTheReactorUntilItFirstParksThenOnTheCarriers(boolean onReactor) throws Exception {
        CompletableFuture<String[]> seen = new CompletableFuture<>();
        start(new HttpServer("127.0.0.1", 0)
                .set(new HttpServerOptions().startHandlersOnReactor(onReactor))
                .on("request", (req, resp) -> {
                    String before = Thread.currentThread().toString();
                    long cid = Co.getCid();
                    Co.getContext().put("who", "handler " + cid);
                    Co.sleep(Duration.ofMillis(1)); // parks
                    seen.complete(new String[] {before, Thread.currentThread().toString()});
                    resp.end((Co.getCid() == cid) + " " + ("handler " + cid).equals(Co.getContext().get("who")));
                }));
        assertEquals("true true", get("/").body());
        String[] threads = seen.get(10, TimeUnit.SECONDS);
        assertEquals(!onReactor, threads[0].contains("-carrier-"), "before the first park: " + threads[0]);
        assertTrue(threads[1].contains("-carrier-"), "after it: " + threads[1]);
    }

    @Test
    void routesByPathAndFallsBackToTheRequestHandler() throws Exception {
        start(new HttpServer("127.0.0.1", 0)
                .on("/a", (req, resp) -> resp.end("A"))
                .on("/b", (req, resp) -> resp.end("B"))
                .on("request", (req, resp) -> resp.status(404).end("none at " + req.path())));
        assertEquals("A", get("/a").body());
        assertEquals("B", get("/b").body());
        var other = get("/c/d");
        assertEquals(404, other.statusCode());
        assertEquals("none at /c/d", other.body());
    }

    @Test
    void withoutAFallbackAnUnknownPathIs404() throws Exception {
        start(new HttpServer("127.0.0.1", 0).on("/a", (req, resp) -> resp.end("A")));
        assertEquals(404, get("/zzz").statusCode());
    }

    @Test
    void exposesQueryFormCookiesHeadersBodyAndRemoteAddress() throws Exception {
        start(new HttpServer("127.0.0.1", 0).on("request", (req, resp) -> {
            resp.header("Content-Type", "text/plain")
                    .header("X-Echo", req.header("X-Test"))
                    .cookie("session", "abc 123");
            resp.end(String.join("|", req.method(), req.path(), req.get("q"), String.valueOf(req.post("user")),
                    req.cookie("c1"), req.header("x-test"), req.body(),
                    req.remoteAddress().getHostString()));
        }));
        var post = jdk.send(java.net.http.HttpRequest.newBuilder(uri("/p/x?q=hello%20world&z=1"))
                .header("X-Test", "yes").header("Cookie", "c1=v1; c2=v2")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("user=ann&age=3")).build(), BodyHandlers.ofString());
        assertEquals(200, post.statusCode());
        assertEquals("POST|/p/x|hello world|ann|v1|yes|user=ann&age=3|127.0.0.1", post.body());
        assertEquals("yes", post.headers().firstValue("x-echo").orElseThrow());
        assertTrue(post.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        assertTrue(post.headers().firstValue("set-cookie").orElseThrow().startsWith("session=abc+123"),
                post.headers().toString());
    }

    @Test
    void streamsChunksAsTheyAreWritten() throws Exception {
        Channel<String> step = new Channel<>(1);
        start(new HttpServer("127.0.0.1", 0).on("request", (req, resp) -> {
            resp.write("one;");
            step.pop(); // the client has seen "one" before "two" is written
            resp.write("two;");
            resp.end("three");
        }));
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = raw.readUntil("one;");
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
            step.push("go");
            String rest = raw.readUntil("\r\n0\r\n\r\n");
            assertTrue(rest.contains("two;") && rest.contains("three"), rest);
        }
    }

    @Test
    void aThrowingHandlerGets500AndTheServerKeepsServing() throws Exception {
        start(new HttpServer("127.0.0.1", 0)
                .on("/boom", (req, resp) -> { throw new IllegalStateException("boom"); })
                .on("/ok", (req, resp) -> resp.end("ok")));
        assertEquals(500, get("/boom").statusCode());
        assertEquals(500, get("/boom").statusCode());
        assertEquals("ok", get("/ok").body());
    }

    @Test
    void exitInAHandlerCarriesTheServerFlags() throws Exception {
        start(new HttpServer("127.0.0.1", 0)
                .on("/caught", (req, resp) -> {
                    try {
                        Co.exit(7);
                    } catch (ExitException e) {
                        resp.end(e.getStatus() + "/" + e.getFlags());
                    }
                })
                .on("/uncaught", (req, resp) -> Co.exit(1)));
        assertEquals("7/" + (ExitException.EXIT_IN_SERVER | ExitException.EXIT_IN_COROUTINE), get("/caught").body());
        assertEquals(500, get("/uncaught").statusCode());
        assertEquals(200, get("/caught").statusCode());
    }

    @Test
    void redirectsAndSendsFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hello.txt");
        Files.writeString(file, "file body");
        start(new HttpServer("127.0.0.1", 0)
                .on("/go", (req, resp) -> resp.redirect("/there"))
                .on("/file", (req, resp) -> resp.sendfile(file.toString())));
        var r = get("/go");
        assertEquals(302, r.statusCode());
        assertEquals("/there", r.headers().firstValue("location").orElseThrow());
        var f = get("/file");
        assertEquals("file body", f.body());
        assertTrue(f.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
    }

    @Test
    void statusAndHeadersAreFrozenOnceTheResponseStarted() throws Exception {
        start(new HttpServer("127.0.0.1", 0).on("request", (req, resp) -> {
            resp.write("x");
            try {
                resp.status(201);
                resp.end("not frozen");
            } catch (IllegalStateException e) {
                resp.end(e.getMessage().startsWith("status(201) after the response headers were sent") ? "frozen" : "?");
            }
        }));
        assertEquals("xfrozen", get("/").body());
    }

    @Test
    void aThousandHandlersBlockingAtOnceFinishInAboutOneDelay() throws Exception {
        start(new HttpServer("127.0.0.1", 0).on("request", (req, resp) -> {
            Co.sleep(Duration.ofMillis(100));
            resp.end("done");
        }));
        long start = System.nanoTime();
        List<CompletableFuture<java.net.http.HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(jdk.sendAsync(java.net.http.HttpRequest.newBuilder(uri("/x" + i)).build(), BodyHandlers.ofString()));
        }
        for (var f : all) {
            assertEquals("done", f.get(40, TimeUnit.SECONDS).body());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms < 20_000, "1000 x 100 ms handlers took " + ms + " ms");
    }

    @Test
    void oneReactorThreadServesManyBlockingHandlersAtOnce() throws Exception {
        start(new HttpServer("127.0.0.1", 0)
                .set(new HttpServerOptions().reactorThreads(1))
                .on("request", (req, resp) -> {
                    Co.sleep(Duration.ofMillis(100));
                    resp.end("on " + (Thread.currentThread().isVirtual() ? "a coroutine" : Thread.currentThread().getName()));
                }));
        List<CompletableFuture<java.net.http.HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(jdk.sendAsync(java.net.http.HttpRequest.newBuilder(uri("/r" + i)).build(), BodyHandlers.ofString()));
        }
        long start = System.nanoTime();
        for (var f : all) {
            assertEquals("on a coroutine", f.get(40, TimeUnit.SECONDS).body());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms < 15_000, "200 x 100 ms handlers behind one reactor thread took " + ms + " ms");
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new HttpServerOptions().reactorThreads(-1));
        assertTrue(e.getMessage().startsWith("reactorThreads must be >= 0"), e.getMessage());
    }

    @Test
    void reactorThreadsDefaultFollowsWhereHandlersStart() {
        int processors = Runtime.getRuntime().availableProcessors();
        assertEquals(processors, new HttpServerOptions().reactorThreadsToStart());
        assertEquals(Math.max(1, processors / 2),
                new HttpServerOptions().startHandlersOnReactor(false).reactorThreadsToStart());
        assertEquals(3, new HttpServerOptions().reactorThreads(3).reactorThreadsToStart());
        assertEquals(3, new HttpServerOptions().startHandlersOnReactor(false).reactorThreads(3).reactorThreadsToStart());
        assertEquals(0, new HttpServerOptions().reactorThreads(), "0 stays the 'not set' value");
    }

    @Test
    void shutdownLetsARequestInFlightFinish() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        Channel<String> release = new Channel<>(1);
        start(new HttpServer("127.0.0.1", 0).on("request", (req, resp) -> {
            entered.countDown();
            resp.end(release.pop());
        }));
        var inFlight = jdk.sendAsync(java.net.http.HttpRequest.newBuilder(uri("/slow")).build(), BodyHandlers.ofString());
        assertTrue(entered.await(20, TimeUnit.SECONDS));
        CompletableFuture<Boolean> down = CompletableFuture.supplyAsync(server::shutdown);
        assertFalse(down.isDone());
        release.push("finished");
        assertEquals("finished", inFlight.get(20, TimeUnit.SECONDS).body());
        assertTrue(down.get(20, TimeUnit.SECONDS), "shutdown reports every request finished");
        server = null;
    }
}
