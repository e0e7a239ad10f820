package dev.corun.samples;

import dev.corun.Co;
import dev.corun.Context;
import dev.corun.channels.Channel;
import dev.corun.channels.WaitGroup;
import dev.corun.server.HttpClient;
import dev.corun.server.HttpClientOptions;
import dev.corun.server.HttpRequest;
import dev.corun.server.HttpResponse;
import dev.corun.server.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seed programs as a real HTTP server (the runnable jar's entry point):
 *
 * <ul>
 *   <li>{@code /channel} — seed 001: the handler starts two sub-coroutines, each GETs one
 *       upstream URL with a coroutine {@link HttpClient} and pushes its body into a
 *       {@code Channel(2)}; the handler pops twice and answers JSON. Both upstream calls wait at
 *       the same time, so the answer takes about one upstream delay, not two.</li>
 *   <li>{@code /waitgroup} — the same with a {@link WaitGroup} ("simpler with WaitGroup").</li>
 *   <li>{@code /a} and {@code /b} — seed 002's race: {@code /a} stores its name in a global, waits
 *       on slow I/O, and answers the global, which a {@code /b} arriving meanwhile overwrote.</li>
 *   <li>{@code /ctx/a} and {@code /ctx/b} — the fix: the name lives in the coroutine's
 *       {@link Co#getContext() Context}, so {@code /ctx/a} answers {@code a} whatever ran meanwhile.</li>
 * </ul>
 *
 * <p>By default it also starts its own small upstream ({@code /qq} and {@code /163}, each
 * answering after an artificial delay) so nothing goes to the internet. Run it with
 * {@code mvn -q -DskipTests -Prun -pl samples-java -am package}; {@code -Dsample=seeds} runs the
 * seed programs instead. Arguments: {@code [port] [upstreamA upstreamB]}, e.g.
 * {@code 9501 http://127.0.0.1:8001/x http://127.0.0.1:8002/y}.
 */
public final class SampleServer {
    /** The seed 002 global ({@code $_array['name']}): one slot for the whole process. */
    private static volatile String globalName;
    private static final Context.Key<String> NAME = Context.key("name");

    private final URI upstreamA;
    private final URI upstreamB;
    private final Duration slowIo;
    private final Runnable aIsWaiting;
    private HttpServer server;

    /**
     * @param upstreamA  first upstream URL (seed: www.qq.com)
     * @param upstreamB  second upstream URL (seed: www.163.com)
     * @param slowIo     how long {@code /a} and {@code /ctx/a} wait on their "backend"
     * @param aIsWaiting called when {@code /a} or {@code /ctx/a} has stored its name and starts waiting (tests use it)
     */
    public SampleServer(URI upstreamA, URI upstreamB, Duration slowIo, Runnable aIsWaiting) {
        this.upstreamA = upstreamA;
        this.upstreamB = upstreamB;
        this.slowIo = slowIo;
        this.aIsWaiting = aIsWaiting;
    }

    /** Starts the server on {@code host:port} (0 picks a free port) and returns it. */
    public HttpServer start(String host, int port) {
        server = new HttpServer(host, port)
                .on("/channel", this::withChannel)
                .on("/waitgroup", this::withWaitGroup)
                .on("/a", (req, resp) -> {
                    globalName = "a";
                    aIsWaiting.run();
                    Co.sleep(slowIo);
                    resp.end(globalName + "\n");
                })
                .on("/b", (req, resp) -> {
                    globalName = "b";
                    resp.end(globalName + "\n");
                })
                .on("/ctx/a", (req, resp) -> {
                    Co.getContext().put(NAME, "a");
                    aIsWaiting.run();
                    Co.sleep(slowIo);
                    resp.end(Co.getContext().get(NAME) + "\n");
                })
                .on("/ctx/b", (req, resp) -> {
                    Co.getContext().put(NAME, "b");
                    resp.end(Co.getContext().get(NAME) + "\n");
                })
                .on("request", (req, resp) -> resp.status(404).header("Content-Type", "text/plain")
                        .end("try /channel, /waitgroup, /a, /b, /ctx/a, /ctx/b\n"))
                .start();
        return server;
    }

    /** Seed 001 with a {@code Channel(2)}. */
    private void withChannel(HttpRequest req, HttpResponse resp) {
        long start = System.nanoTime();
        Channel<Map<String, String>> chan = new Channel<>(2);
        for (URI url : new URI[] {upstreamA, upstreamB}) {
            Co.go(() -> chan.push(Map.of(url.toString(), fetch(url))));
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            Map<String, String> part = chan.pop();
            if (part == null) {
                return; // the client left, so the server cancelled this coroutine and pop() gave up
            }
            result.putAll(part);
        }
        answer(resp, result, start);
    }

    /** Seed 001 with a {@link WaitGroup}. */
    private void withWaitGroup(HttpRequest req, HttpResponse resp) {
        long start = System.nanoTime();
        Map<String, String> result = new ConcurrentHashMap<>();
        WaitGroup wg = new WaitGroup();
        for (URI url : new URI[] {upstreamA, upstreamB}) {
            wg.add();
            Co.go(() -> {
                try {
                    result.put(url.toString(), fetch(url));
                } finally {
                    wg.done();
                }
            });
        }
        wg.await();
        answer(resp, result, start);
    }

    /** One coroutine HTTP GET, as in the seed: timeout, browser-like headers. One client per coroutine. */
    static String fetch(URI url) {
        HttpClient cli = new HttpClient(url.getHost(), url.getPort() < 0 ? 80 : url.getPort(), "https".equals(url.getScheme()));
        cli.set(new HttpClientOptions().timeout(Duration.ofSeconds(10)));
        cli.setHeaders(Map.of(
                "User-Agent", "Chrome/49.0.2587.3",
                "Accept", "text/html,application/xhtml+xml,application/xml"));
        String path = url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        return cli.get(path) ? cli.getBody() : "error " + cli.getStatusCode() + ": " + cli.getErrMsg();
    }

    private static void answer(HttpResponse resp, Map<String, String> result, long startNanos) {
        StringJoiner json = new StringJoiner(",", "{", "}");
        result.forEach((k, v) -> json.add(quote(k) + ":" + quote(v)));
        resp.header("Content-Type", "application/json")
                .header("X-Elapsed-Ms", String.valueOf((System.nanoTime() - startNanos) / 1_000_000))
                .end(json + "\n");
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * A stand-in for the seed's two web sites: {@code /qq} and {@code /163} answer a small page
     * after {@code delay} (the handler parks, it holds no thread).
     */
    public static HttpServer startUpstream(String host, int port, Duration delay) {
        return new HttpServer(host, port)
                .on("request", (req, resp) -> {
                    Co.sleep(delay);
                    resp.end("<html>" + req.path().substring(1) + " after " + delay.toMillis() + " ms</html>");
                })
                .start();
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("sample", "").equals("seeds") || (args.length > 0 && args[0].equals("seeds"))) {
            Samples.main(new String[0]);
            return;
        }
        String host = "127.0.0.1";
        int port = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 9501;
        URI a;
        URI b;
        HttpServer upstream = null;
        if (args.length >= 3) {
            a = URI.create(args[1]);
            b = URI.create(args[2]);
        } else {
            Duration delay = Duration.ofMillis(Long.getLong("upstream.delay.ms", 300));
            upstream = startUpstream(host, 0, delay);
            a = URI.create("http://" + host + ":" + upstream.port() + "/qq");
            b = URI.create("http://" + host + ":" + upstream.port() + "/163");
            System.out.println("local upstream on " + host + ":" + upstream.port() + " answers after " + delay.toMillis() + " ms");
        }
        HttpServer server = new SampleServer(a, b, Duration.ofSeconds(1), () -> {}).start(host, port);
        String base = "http://" + host + ":" + server.port();
        System.out.println();
        System.out.println("corun sample server on " + base + "  (Ctrl-C stops it). Try:");
        System.out.println("  curl -i " + base + "/channel      # seed 001: two upstream GETs at once through a Channel(2)");
        System.out.println("  curl -i " + base + "/waitgroup    # seed 001 with a WaitGroup");
        System.out.println("  curl " + base + "/a & sleep 0.2; curl " + base + "/b; wait      # seed 002: /a answers b (global race)");
        System.out.println("  curl " + base + "/ctx/a & sleep 0.2; curl " + base + "/ctx/b; wait  # fixed with Context: /ctx/a answers a");
        HttpServer up = upstream;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            if (up != null) {
                up.shutdown();
            }
        }));
        server.await();
    }
}
