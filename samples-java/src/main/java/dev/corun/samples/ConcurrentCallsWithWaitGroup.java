package dev.corun.samples;

import dev.corun.Co;
import dev.corun.channels.WaitGroup;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Seed 001's closing remark, "it is simpler to use WaitGroup": the same two concurrent fetches,
 * with no channel. Each sub-coroutine writes its body under its own key and calls
 * {@link WaitGroup#done()}; the handler {@link WaitGroup#await()}s until both are done. The
 * handler no longer has to know how many pops to make, and the results are keyed, not in
 * arrival order.
 */
public final class ConcurrentCallsWithWaitGroup {
    private ConcurrentCallsWithWaitGroup() {}

    /**
     * The handler with a {@link WaitGroup}.
     *
     * @param fetchDelay how long each simulated fetch takes
     * @return host to body (sorted by host), and how long the handler waited
     */
    public static ConcurrentCalls.Answer withWaitGroup(Duration fetchDelay) {
        AtomicReference<ConcurrentCalls.Answer> answer = new AtomicReference<>();
        Co.run(() -> {
            long start = System.nanoTime();
            Map<String, String> result = new ConcurrentHashMap<>(); // written by two coroutines at once
            WaitGroup wg = new WaitGroup();
            for (String host : new String[] {ConcurrentCalls.QQ, ConcurrentCalls.NETEASE}) {
                wg.add(); // before go(): the handler must not reach await() with the count still 0
                Co.go(() -> {
                    try {
                        result.put(host, ConcurrentCalls.fetch(host, fetchDelay));
                    } finally {
                        wg.done(); // however the fetch ends, or the handler would wait forever
                    }
                });
            }
            wg.await();
            answer.set(new ConcurrentCalls.Answer(new TreeMap<>(result), Duration.ofNanos(System.nanoTime() - start)));
        });
        return answer.get();
    }

    /** Runs the handler once and prints its answer and how long it took. */
    public static void main(String[] args) {
        Duration fetch = ConcurrentCalls.FETCH;
        System.out.println("The same two " + fetch.toMillis() + " ms fetches; each coroutine stores its body under its host"
                + " and calls wg.done(); the handler calls wg.await().");
        ConcurrentCalls.Answer a = withWaitGroup(fetch);
        System.out.println("answer:  " + a.json());
        System.out.println("elapsed: " + a.elapsed().toMillis() + " ms  (about one fetch, not two)");
    }
}
