package dev.corun.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CoroutineTableTest {
    private static Coroutine record(long cid) {
        return new JavaCoroutine(cid, -1, null, () -> {});
    }

    /** Random adds and removes checked against a HashMap, through growth, shrinking and backward-shift deletes. */
    @Test
    void behavesLikeAMapOfLiveRecords() {
        CoroutineTable table = new CoroutineTable(0); // shrink as soon as a stripe empties enough
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
}
