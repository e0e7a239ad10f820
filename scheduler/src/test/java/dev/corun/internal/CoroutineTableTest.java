package dev.corun.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CoroutineTableTest {
    private static Coroutine record(long cid) {
        return new JavaCoroutine(cid, -1, null, () -> {});
    }

    @Test
    void directSlotsMustBeAPowerOfTwo() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CoroutineTable(12, new StripedCoroutineMap()));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }

    /** A record whose slot an older live one holds goes to the map, is found there and leaves from there. */
    @Test
    void aRecordWhoseSlotIsTakenSpillsIntoTheMap() {
        StripedCoroutineMap spilled = new StripedCoroutineMap();
        CoroutineTable table = new CoroutineTable(8, spilled);
        Coroutine old = record(3);
        Coroutine young = record(11); // same slot as 3
        table.add(old);
        table.add(young);
        assertSame(old, table.get(3));
        assertSame(young, table.get(11));
        assertEquals(List.of(young), spilled.snapshot(), "only the second one spilled");
        table.remove(old); // the slot is free again; the young one stays in the map
        assertNull(table.get(3));
        assertSame(young, table.get(11));
        Coroutine next = record(19); // same slot again: now free
        table.add(next);
        assertEquals(List.of(young), spilled.snapshot());
        table.remove(young);
        assertTrue(spilled.snapshot().isEmpty());
        assertSame(next, table.get(19));
        assertNull(table.get(11));
        table.remove(record(27)); // never added, slot held by another: a no-op
        assertSame(next, table.get(19));
        table.remove(next);
        assertTrue(table.snapshot().isEmpty());
    }

    /** Random adds and removes checked against a HashMap; 16 direct slots, so many records spill and come back. */
    @Test
    void behavesLikeAMapOfLiveRecords() {
        CoroutineTable table = new CoroutineTable(16, new StripedCoroutineMap(0));
        Map<Long, Coroutine> model = new HashMap<>();
        Random rnd = new Random(7);
        long nextCid = 1;
        for (int step = 0; step < 100_000; step++) {
            if (model.isEmpty() || rnd.nextInt(100) < 52) {
                Coroutine co = record(nextCid++);
                table.add(co);
                model.put(co.cid, co);
            } else {
                // Mostly the recent ones end, as in a program; now and then an old one does.
                long back = rnd.nextInt(10) == 0 ? rnd.nextInt((int) nextCid - 1) : rnd.nextInt(Math.min(40, (int) nextCid - 1));
                Coroutine co = model.remove(nextCid - 1 - back);
                if (co != null) {
                    table.remove(co);
                }
            }
            if (step % 499 == 0) {
                for (long cid = Math.max(1, nextCid - 100); cid < nextCid; cid++) {
                    assertSame(model.get(cid), table.get(cid), "cid " + cid);
                }
                assertEquals(model.size(), table.snapshot().size());
            }
        }
        Map<Coroutine, Integer> visits = new IdentityHashMap<>();
        table.forEach(co -> visits.merge(co, 1, Integer::sum), new Coroutine[0]);
        assertEquals(model.size(), visits.size());
        visits.values().forEach(n -> assertEquals(1, n));
        for (Coroutine co : model.values()) {
            table.remove(co);
        }
        assertTrue(table.snapshot().isEmpty());
    }

    /**
     * Two threads add and remove records whose ids share the same 4 slots (even ids on one, odd
     * on the other, both walking forward), while a third keeps looking them up: a lookup never
     * returns a record with another id, and every record is found while it is registered.
     */
    @Test
    void concurrentAddersAndRemoversSharingSlotsLoseNothing() throws Exception {
        CoroutineTable table = new CoroutineTable(4, new StripedCoroutineMap());
        int perThread = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int parity = 0; parity < 2; parity++) {
            long first = 1 + parity;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    Coroutine[] window = new Coroutine[3]; // each record lives while the next two are added
                    for (int k = 0; k < perThread; k++) {
                        Coroutine co = record(first + 2L * k);
                        table.add(co);
                        assertSame(co, table.get(co.cid), "cid " + co.cid + " just added");
                        Coroutine out = window[k % 3];
                        if (out != null) {
                            table.remove(out);
                            Coroutine found = table.get(out.cid);
                            assertNull(found, "cid " + out.cid + " removed");
                        }
                        window[k % 3] = co;
                    }
                    for (Coroutine co : window) {
                        table.remove(co);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        Thread reader = Thread.ofPlatform().start(() -> {
            Random rnd = new Random(1);
            try {
                start.await();
                while (workers.stream().anyMatch(Thread::isAlive)) {
                    long cid = 1 + rnd.nextInt(2 * perThread);
                    Coroutine co = table.get(cid);
                    if (co != null) {
                        assertEquals(cid, co.cid);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        start.countDown();
        for (Thread t : workers) {
            t.join();
        }
        reader.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(table.snapshot().isEmpty(), "every record left: " + table.snapshot().size());
    }
}
