package dev.corun.channels;

import static org.junit.jupiter.api.Assertions.*;

import dev.corun.Co;
import dev.corun.Status;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Many producers and consumers on the machine's carriers, with random timeouts, random
 * cancels and a close in the middle: every element whose push reported OK is popped exactly
 * once, no other element is popped, and every waiter returns.
 */
@Timeout(120)
class ChannelStressTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16})
    void nothingLostNothingDuplicated(int capacity) {
        int producers = 40;
        int perProducer = 500;
        int consumers = 30;
        Channel<Integer> ch = new Channel<>(capacity);
        AtomicIntegerArray pushedOk = new AtomicIntegerArray(producers * perProducer);
        AtomicIntegerArray popped = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger pops = new AtomicInteger();
        AtomicInteger endedConsumers = new AtomicInteger();
        long[] cids = new long[producers + consumers];
        Co.run(() -> {
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                cids[p] = Co.go(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < perProducer; i++) {
                        Status s = ch.push(base + i, timeout(rnd));
                        if (s == Status.OK) {
                            pushedOk.incrementAndGet(base + i);
                        } else if (s == Status.CLOSED) {
                            return;
                        }
                    }
                });
            }
            for (int c = 0; c < consumers; c++) {
                cids[producers + c] = Co.go(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (;;) {
                        Channel.Result<Integer> r = ch.pop(timeout(rnd));
                        if (r.isOk()) {
                            popped.incrementAndGet(r.value());
                            pops.incrementAndGet();
                        } else if (r.status() == Status.CLOSED) {
                            endedConsumers.incrementAndGet();
                            return;
                        }
                    }
                });
            }
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (pops.get() < producers * perProducer / 2) {
                Co.cancel(cids[rnd.nextInt(cids.length)]);
                Co.sleep(Duration.ofMillis(1));
            }
            assertTrue(ch.close());
        });
        assertEquals(consumers, endedConsumers.get(), "every consumer saw CLOSED");
        int ok = 0;
        for (int i = 0; i < pushedOk.length(); i++) {
            assertEquals(pushedOk.get(i), popped.get(i), "element " + i + " pushed OK " + pushedOk.get(i) + " times, popped " + popped.get(i));
            ok += pushedOk.get(i);
        }
        assertTrue(ok >= producers * perProducer / 2, "most pushes went through: " + ok);
        assertEquals(new Channel.Stats(0, 0, 0), ch.stats());
    }

    /** Mostly short timeouts, sometimes none (waits forever), sometimes zero (does not wait). */
    private static Duration timeout(ThreadLocalRandom rnd) {
        int k = rnd.nextInt(10);
        return k == 0 ? null : k == 1 ? Duration.ZERO : Duration.ofMillis(rnd.nextInt(1, 4));
    }
}
