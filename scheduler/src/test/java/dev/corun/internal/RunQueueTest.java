package dev.corun.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RunQueueTest {
    private static Runnable task(int id) {
        return new Numbered(id);
    }

    private record Numbered(int id) implements Runnable {
        @Override
        public void run() {}
    }

    @Test
    void ownerTakesInFifoOrderAndRefusesWhenFull() {
        RunQueue q = new RunQueue();
        for (int i = 0; i < RunQueue.CAPACITY; i++) {
            assertTrue(q.offer(task(i)));
        }
        assertFalse(q.offer(task(-1)), "a full ring must refuse");
        assertEquals(RunQueue.CAPACITY, q.size());
        for (int i = 0; i < RunQueue.CAPACITY; i++) {
            assertEquals(i, ((Numbered) q.poll()).id());
        }
        assertNull(q.poll());
        assertTrue(q.isEmpty());
    }

    @Test
    void drainHalfTakesTheOlderHalf() {
        RunQueue q = new RunQueue();
        for (int i = 0; i < 10; i++) {
            q.offer(task(i));
        }
        Runnable[] half = q.drainHalf();
        assertEquals(5, half.length);
        assertEquals(0, ((Numbered) half[0]).id());
        assertEquals(5, ((Numbered) q.poll()).id());
    }

    @Test
    void stealMovesHalfRoundedUpAndReturnsOne() {
        RunQueue victim = new RunQueue();
        RunQueue thief = new RunQueue();
        for (int i = 0; i < 7; i++) {
            victim.offer(task(i));
        }
        Runnable got = thief.isEmpty() ? victim.stealInto(thief) : null;
        assertNotNull(got);
        assertEquals(3, ((Numbered) got).id(), "the last of the 4 stolen is returned");
        assertEquals(3, thief.size());
        assertEquals(3, victim.size());
        assertNull(new RunQueue().stealInto(new RunQueue()));
    }

    /** Owner pushes and pops while two thieves steal: every task is taken exactly once. */
    @Test
    void concurrentStealingLosesAndDuplicatesNothing() throws Exception {
        int total = 2_000_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        RunQueue victim = new RunQueue();
        AtomicBoolean ownerDone = new AtomicBoolean();
        Thread[] thieves = new Thread[2];
        for (int t = 0; t < thieves.length; t++) {
            thieves[t] = new Thread(() -> {
                RunQueue own = new RunQueue();
                while (!ownerDone.get() || !victim.isEmpty()) {
                    Runnable r = victim.stealInto(own);
                    if (r != null) {
                        seen.incrementAndGet(((Numbered) r).id());
                        Runnable mine;
                        while ((mine = own.poll()) != null) {
                            seen.incrementAndGet(((Numbered) mine).id());
                        }
                    }
                }
            });
            thieves[t].start();
        }
        int next = 0;
        while (next < total) {
            if (victim.offer(task(next))) {
                next++;
            }
            if ((next & 3) == 0) {
                Runnable r = victim.poll();
                if (r != null) {
                    seen.incrementAndGet(((Numbered) r).id());
                }
            }
        }
        Runnable r;
        while ((r = victim.poll()) != null) {
            seen.incrementAndGet(((Numbered) r).id());
        }
        ownerDone.set(true);
        for (Thread t : thieves) {
            t.join();
        }
        for (int i = 0; i < total; i++) {
            assertEquals(1, seen.get(i), "task " + i + " taken " + seen.get(i) + " times");
        }
    }
}
