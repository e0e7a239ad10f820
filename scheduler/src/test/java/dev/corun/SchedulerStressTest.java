package dev.corun;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many coroutines on the few carriers of this machine: a lost wake-up or a lost task hangs or miscounts. */
@Timeout(120)
class SchedulerStressTest {

    /**
     * A token passed around rings of coroutines with park/unpark: every hand-off is a wake-up
     * from one carrier's code to a coroutine that may be queued anywhere.
     */
    @Test
    void tokenRingsPassEveryHandOff() {
        int rings = 50;
        int ringSize = 40;
        int laps = 200;
        AtomicInteger handOffs = new AtomicInteger();
        Co.run(() -> {
            for (int r = 0; r < rings; r++) {
                AtomicReferenceArray<Thread> members = new AtomicReferenceArray<>(ringSize);
                AtomicInteger turn = new AtomicInteger();
                for (int i = 0; i < ringSize; i++) {
                    int me = i;
                    Co.go(() -> {
                        members.set(me, Thread.currentThread());
                        for (int lap = 0; lap < laps; lap++) {
                            int mine = lap * ringSize + me;
                            while (turn.get() != mine) {
                                LockSupport.park(turn);
                            }
                            turn.incrementAndGet();
                            handOffs.incrementAndGet();
                            Thread next = members.get((me + 1) % ringSize);
                            if (next != null) {
                                LockSupport.unpark(next);
                            }
                        }
                    });
                }
                // Everyone may have parked before its successor published its thread: wake the first once all exist.
                Co.go(() -> {
                    for (int i = 0; i < ringSize; i++) {
                        while (members.get(i) == null) {
                            Co.yield();
                        }
                    }
                    for (int i = 0; i < ringSize; i++) {
                        LockSupport.unpark(members.get(i));
                    }
                });
            }
        });
        assertEquals(rings * ringSize * laps, handOffs.get());
    }

    /**
     * Coroutines that sleep, yield, join each other with random timeouts and get cancelled at
     * random: every one of them ends, and every wait reports one of its possible outcomes.
     */
    @Test
    void randomSleepsJoinsTimeoutsAndCancelsAllEnd() {
        int n = 5_000;
        AtomicIntegerArray ended = new AtomicIntegerArray(n);
        AtomicInteger[] outcomes = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        long[] cids = new long[n];
        Co.run(() -> {
            for (int i = 0; i < n; i++) {
                int me = i;
                cids[i] = Co.go(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int step = 0; step < 5; step++) {
                        Status s = switch (rnd.nextInt(3)) {
                            case 0 -> Co.sleep(Duration.ofMillis(rnd.nextInt(5)));
                            case 1 -> {
                                long other = cids[rnd.nextInt(me + 1)];
                                yield other == Co.getCid() || other == 0
                                        ? Status.OK
                                        : Co.join(new long[] {other}, Duration.ofMillis(rnd.nextInt(1, 10)));
                            }
                            default -> {
                                Co.yield();
                                yield Status.OK;
                            }
                        };
                        outcomes[-s.code()].incrementAndGet();
                        if (rnd.nextInt(10) == 0) {
                            long victim = cids[rnd.nextInt(me + 1)];
                            if (victim != 0 && victim != Co.getCid()) {
                                Co.cancel(victim);
                            }
                        }
                    }
                    ended.incrementAndGet(me);
                });
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, ended.get(i), "coroutine " + i + " ended");
        }
        assertEquals(0, outcomes[2].get(), "nothing here can report CLOSED");
        assertEquals(5 * n, outcomes[0].get() + outcomes[1].get() + outcomes[3].get());
    }

    /**
     * A Java coroutine spawning in a loop yields while its carrier's queue is half full, so
     * what it started and has not run yet stays within the carriers' local queues (256 each).
     * Without the yield the overflow went to the global queue and piled up by the hundred
     * thousand while a million were spawned.
     */
    @Test
    void spawningLoopDoesNotRunFarAheadOfTheCarriers() {
        int n = 200_000;
        AtomicInteger ran = new AtomicInteger();
        int[] maxBacklog = {0};
        Co.run(() -> {
            for (int i = 1; i <= n; i++) {
                Co.go(ran::incrementAndGet);
                maxBacklog[0] = Math.max(maxBacklog[0], i - ran.get());
            }
        });
        assertEquals(n, ran.get());
        int bound = 256 * Co.stats().carriers().size();
        assertTrue(maxBacklog[0] <= bound, "up to " + maxBacklog[0] + " spawned coroutines had not run; bound " + bound);
    }
}
