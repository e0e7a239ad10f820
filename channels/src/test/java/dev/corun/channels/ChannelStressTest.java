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
import org.junit.jupiter.api.Test;
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

    /**
     * The channel's spin lock under contention from every kind of caller at once: Java
     * coroutines on the carriers (which yield their carrier after spinning) and a plain thread
     * (which yields its core), none of them ever waiting on the channel itself (trySend /
     * tryReceive). A broken lock loses or duplicates elements; a lock whose holder could be
     * starved by its spinners runs into the timeout.
     */
    @Test
    void theLockHoldsUnderContentionFromCoroutinesAndThreads() throws InterruptedException {
        int coroutines = 64;
        int rounds = 5_000;
        Channel<Integer> ch = new Channel<>(8);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        Runnable churn = () -> {
            for (int i = 0; i < rounds; i++) {
                if (ch.trySend(i) == Status.OK) {
                    sent.incrementAndGet();
                }
                if (ch.tryReceive().isOk()) {
                    received.incrementAndGet();
                }
            }
        };
        Thread plain = new Thread(churn, "plain-contender");
        plain.start();
        Co.run(() -> {
            for (int c = 0; c < coroutines; c++) {
                Co.go(churn::run);
            }
        });
        plain.join();
        int left = 0;
        while (ch.tryReceive().isOk()) {
            left++;
        }
        assertEquals(sent.get(), received.get() + left, "every element sent was received once");
        assertTrue(left <= 8, "at most a buffer's worth left: " + left);
    }
}
