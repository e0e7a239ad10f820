package dev.corun.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StripedCoroutineMapTest {
    private static Coroutine record(long cid) {
        return new JavaCoroutine(cid, -1, null, () -> {});
    }

    /** Random adds and removes checked against a HashMap, through growth, shrinking and backward-shift deletes. */
    @Test
    void behavesLikeAMapOfLiveRecords() {
        StripedCoroutineMap table = new StripedCoroutineMap(0); // shrink as soon as a stripe empties enough
        Map<Long, Coroutine> model = new HashMap<>();
        Random rnd = new Random(42);
        long nextCid = 1;
        for (int step = 0; step < 200_000; step++) {
            if (model.isEmpty() || rnd.nextInt(100) < 55) {
                Coroutine co = record(nextCid++);
                table.add(co);
                model.put(co.cid, co);
            } else {
                long cid = 1 + (long) rnd.nextInt((int) nextCid - 1);
                Coroutine co = model.remove(cid);
                if (co != null) {
                    table.remove(co);
                }
            }
            if (step % 997 == 0) {
                for (long cid = Math.max(1, nextCid - 300); cid < nextCid; cid++) {
                    assertSame(model.get(cid), table.get(cid), "cid " + cid);
                }
            }
        }
        assertEquals(model.size(), table.snapshot().size());
        table.remove(record(nextCid + 1)); // never added: a no-op
        assertEquals(model.size(), table.snapshot().size());
        for (Coroutine co : model.values()) {
            table.remove(co);
        }
        assertTrue(table.snapshot().isEmpty());
        assertNull(table.get(1));
    }

    /** forEach visits each live record once, grows the scratch array it is given, and leaves it empty. */
    @Test
    void forEachVisitsEveryLiveRecordOnceAndKeepsNoneInTheScratch() {
        StripedCoroutineMap table = new StripedCoroutineMap();
        List<Coroutine> live = new ArrayList<>();
        for (long cid = 1; cid <= 5_000; cid++) {
            Coroutine co = record(cid);
            table.add(co);
            if (cid % 3 == 0) {
                table.remove(co);
            } else {
                live.add(co);
            }
        }
        Map<Coroutine, Integer> visits = new IdentityHashMap<>();
        Coroutine[] scratch = table.forEach(co -> visits.merge(co, 1, Integer::sum), new Coroutine[1]);
        assertEquals(live.size(), visits.size());
        for (Coroutine co : live) {
            assertEquals(1, visits.get(co), "visits of cid " + co.cid);
        }
        assertTrue(scratch.length > 1, "grown to the largest stripe");
        for (Coroutine co : scratch) {
            assertNull(co);
        }
        assertSame(scratch, table.forEach(co -> {}, scratch), "a large enough scratch array is reused");
    }
}
