package dev.corun;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Swoole's batch, parallel and map: concurrency, key order, timeouts, failures. */
@Timeout(60)
class BatchTest {
    @Test
    void batchKeepsKeysInOrderAndRunsTasksConcurrently() {
        Map<String, Callable<String>> tasks = new LinkedHashMap<>();
        for (String k : List.of("c", "a", "b")) {
            tasks.put(k, () -> {
                Co.sleep(Duration.ofMillis(100));
                return k.toUpperCase();
            });
        }
        long t0 = System.nanoTime();
        Map<String, String> out = Co.batch(tasks, Duration.ofSeconds(30));
        assertEquals(List.of("c", "a", "b"), List.copyOf(out.keySet()));
        assertEquals(List.of("C", "A", "B"), List.copyOf(out.values()));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "they ran side by side");
    }

    @Test
    void unfinishedTasksGiveNoValueAndAreCancelled() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger cancelled = new AtomicInteger();
        Map<String, Callable<Integer>> tasks = new LinkedHashMap<>();
        tasks.put("fast", () -> 1);
        tasks.put("nothing", () -> null);
        tasks.put("slow", () -> {
            if (Co.sleep(Duration.ofHours(1)) == Status.CANCELED) {
                cancelled.incrementAndGet();
            }
            return 3;
        });
        Map<String, Integer> out = Co.batch(tasks, Duration.ofMillis(50));
        assertEquals(Map.of("fast", 1), Map.of("fast", out.get("fast")));
        assertTrue(out.containsKey("nothing") && out.get("nothing") == null, "a null result is kept");
        assertFalse(out.containsKey("slow"));
        Co.run(() -> {
            while (cancelled.get() == 0) {
                Co.yield();
            }
        });
        never.countDown();
    }

    @Test
    void aFailingTaskFailsTheBatchAfterTheOthersFinish() {
        AtomicInteger finished = new AtomicInteger();
        Map<Integer, Callable<Integer>> tasks = new LinkedHashMap<>();
        tasks.put(1, () -> {
            throw new IOException("one");
        });
        tasks.put(2, () -> {
            Co.sleep(Duration.ofMillis(20));
            return finished.incrementAndGet();
        });
        tasks.put(3, () -> {
            throw new IllegalStateException("three");
        });
        // Which task fails first depends on scheduling: the checked IOException comes wrapped in
        // a CompletionException, the unchecked one as itself; the other failure is suppressed.
        Throwable thrown = assertThrows(Throwable.class, () -> Co.batch(tasks, null));
        assertEquals(1, finished.get());
        Throwable first = thrown instanceof CompletionException ? thrown.getCause() : thrown;
        if (first instanceof IOException) {
            assertTrue(thrown instanceof CompletionException, "a checked failure is wrapped: " + thrown);
        } else {
            assertTrue(first instanceof IllegalStateException, "the first failure is thrown: " + thrown);
        }
        Throwable[] suppressed = first.getSuppressed();
        assertEquals(1, suppressed.length, "the other failure is suppressed into the first");
        assertTrue(suppressed[0] instanceof IOException || suppressed[0] instanceof IllegalStateException);
        assertTrue(suppressed[0].getClass() != first.getClass());
    }

    @Test
    void parallelRunsNCoroutinesAndWaitsForAll() {
        AtomicInteger ran = new AtomicInteger();
        Co.run(() -> Co.parallel(50, () -> {
            Co.sleep(Duration.ofMillis(10));
            ran.incrementAndGet();
        }));
        assertEquals(50, ran.get());
        Co.parallel(0, () -> fail("never"));
        assertThrows(IllegalArgumentException.class, () -> Co.parallel(-1, () -> {}));
        RuntimeException boom = new RuntimeException("boom");
        assertSame(boom, assertThrows(RuntimeException.class, () -> Co.parallel(3, () -> {
            throw boom;
        })));
    }

    @Test
    void mapKeepsTheListOrderAndGivesNullForUnfinished() {
        assertEquals(List.of(1, 4, 9, 16), Co.map(List.of(1, 2, 3, 4), x -> {
            Co.sleep(Duration.ofMillis(5 * (5 - x)));
            return x * x;
        }, null));
        List<Integer> partial = Co.map(List.of(1, 2), x -> {
            if (x == 2) {
                Co.sleep(Duration.ofHours(1));
            }
            return x;
        }, Duration.ofMillis(50));
        assertEquals(java.util.Arrays.asList(1, null), partial);
    }
}
