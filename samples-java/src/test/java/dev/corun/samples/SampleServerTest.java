package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.server.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SampleServerTest {
    static final Duration UPSTREAM_DELAY = Duration.ofMillis(400);
    static final Semaphore aWaiting = new Semaphore(0);
    static HttpServer upstream;
    static HttpServer server;
    final HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        upstream = SampleServer.startUpstream("127.0.0.1", 0, UPSTREAM_DELAY);
        URI a = URI.create("http://127.0.0.1:" + upstream.port() + "/qq");
        URI b = URI.create("http://127.0.0.1:" + upstream.port() + "/163");
        server = new SampleServer(a, b, Duration.ofSeconds(2), aWaiting::release).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.shutdown();
        upstream.shutdown();
    }

    HttpResponse<String> get(String path) throws Exception {
        return jdk.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return jdk.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void answersBothBodiesInAboutOneDelay(String path) throws Exception {
        get(path); // warm-up: class loading and the first pooled connections
        long start = System.nanoTime();
        HttpResponse<String> r = get(path);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("/qq\":\"<html>qq after 400 ms</html>\""), r.body());
        assertTrue(r.body().contains("/163\":\"<html>163 after 400 ms</html>\""), r.body());
        assertTrue(ms < UPSTREAM_DELAY.toMillis() * 18 / 10, path + " took " + ms + " ms for two " + UPSTREAM_DELAY.toMillis() + " ms calls");
    }

    @Test
    void seed001WithAChannel() throws Exception {
        answersBothBodiesInAboutOneDelay("/channel");
    }

    @Test
    void seed001WithAWaitGroup() throws Exception {
        answersBothBodiesInAboutOneDelay("/waitgroup");
    }

    @Test
    void seed002GlobalRaceAndContextFix() throws Exception {
        var a = getAsync("/a");
        assertTrue(aWaiting.tryAcquire(20, TimeUnit.SECONDS));
        assertEquals("b\n", get("/b").body());
        assertEquals("b\n", a.get(20, TimeUnit.SECONDS).body(), "/a answers what /b wrote into the global");

        var ctxA = getAsync("/ctx/a");
        assertTrue(aWaiting.tryAcquire(20, TimeUnit.SECONDS));
        assertEquals("b\n", get("/ctx/b").body());
        assertEquals("a\n", ctxA.get(20, TimeUnit.SECONDS).body(), "/ctx/a keeps its own name in its Context");
    }
}
