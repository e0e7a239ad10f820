package dev.corun.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The record's packed parent id: a distance below the id, or the id itself in the extras when too far. */
class CoroutineRecordTest {

    private static Coroutine record(long cid, long pcid) {
        return new JavaCoroutine(cid, pcid, null, () -> {});
    }

    @Test
    void parentIdAtEveryDistance() {
        assertEquals(-1, record(7, -1).pcid());
        assertEquals(6, record(7, 6).pcid());
        assertEquals(0, record(7, 0).pcid());
        long cid = 10_000_000_000L;
        assertEquals(cid - 0xFFFF_FFFEL, record(cid, cid - 0xFFFF_FFFEL).pcid()); // largest distance kept inline
        assertEquals(cid - 0xFFFF_FFFFL, record(cid, cid - 0xFFFF_FFFFL).pcid()); // first one kept in the extras
        assertEquals(1, record(cid, 1).pcid());
        assertEquals(-1, record(cid, -1).pcid());
    }
}
