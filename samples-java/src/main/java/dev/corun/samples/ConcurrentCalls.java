package dev.corun.samples;

import dev.corun.Co;
import dev.corun.channels.Channel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Seed 001, "Concurrent Calls", without the HTTP server: a handler starts two sub-coroutines
 * with {@link Co#go}, each "fetches" a page and pushes its body into a {@code Channel(2)}; the
 * handler pops twice and answers with both bodies. The two fetches wait at the same time, so
 * the handler takes about one fetch, not two.
 *
 * <p>A fetch is simulated by {@link Co#sleep} (the seed's coroutine HTTP client would park the
 * coroutine on its socket the same way) followed by a string body. Each sub-coroutine pushes a
 * one-entry map, as the seed pushes {@code ['www.qq.com' => $cli->body]}; the handler merges
 * them in the order they arrive.
 */
public final class ConcurrentCalls {
    /** The seed's two hosts. */
    static final String QQ = "www.qq.com";
    static final String NETEASE = "www.163.com";

    /** How long one simulated fetch takes in {@link #main}. */
    public static final Duration FETCH = Duration.ofMillis(100);

    private ConcurrentCalls() {}

    /**
     * What the handler answered and how long it took.
     *
     * @param bodies  host to body, in the order the bodies arrived
     * @param elapsed from starting the sub-coroutines to having popped both results
     */
    public record Answer(Map<String, String> bodies, Duration elapsed) {
        /** The seed's {@code json_encode($result)}. */
        public String json() {
            StringJoiner j = new StringJoiner(",", "{", "}");
            bodies.forEach((k, v) -> j.add('"' + k + "\":\"" + v + '"'));
            return j.toString();
        }
    }

    /** A coroutine HTTP GET stand-in: parks the calling coroutine for {@code delay}, then returns a body. */
    static String fetch(String host, Duration delay) {
        Co.sleep(delay);
        return "<html>" + host + "</html>";
    }

    /**
     * The seed's {@code onRequest}: two sub-coroutines push into a {@code Channel(2)}, the
     * handler pops twice.
     *
     * @param fetchDelay how long each simulated fetch takes
     */
    public static Answer withChannel(Duration fetchDelay) {
        AtomicReference<Answer> answer = new AtomicReference<>();
        Co.run(() -> { // the handler's coroutine (a corun HTTP server runs each request in one)
            long start = System.nanoTime();
            Channel<Map<String, String>> chan = new Channel<>(2);
            Co.go(() -> chan.push(Map.of(QQ, fetch(QQ, fetchDelay))));
            Co.go(() -> chan.push(Map.of(NETEASE, fetch(NETEASE, fetchDelay))));

            Map<String, String> result = new LinkedHashMap<>();
            for (int i = 0; i < 2; i++) {
                result.putAll(chan.pop()); // parks until a sub-coroutine pushes
            }
            answer.set(new Answer(result, Duration.ofNanos(System.nanoTime() - start)));
        });
        return answer.get();
    }

    /** Runs the handler once and prints its answer and how long it took. */
    public static void main(String[] args) {
        System.out.println("The handler starts two coroutines; each fetches for " + FETCH.toMillis()
                + " ms and pushes its body into a Channel(2); the handler pops twice.");
        Answer a = withChannel(FETCH);
        System.out.println("answer:  " + a.json());
        System.out.println("elapsed: " + a.elapsed().toMillis() + " ms  (about one fetch, not two: "
                + 2 * FETCH.toMillis() + " ms one after the other)");
    }
}
