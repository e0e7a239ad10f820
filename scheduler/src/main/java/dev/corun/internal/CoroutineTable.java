package dev.corun.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The live coroutines by id, for {@code Co.exists}, {@code list}, {@code cancel},
 * {@code getBackTrace} and the deadlock report. Lock-striped open addressing: a coroutine
 * costs one array slot (about 10 bytes at the load kept here) instead of a hash-map node and
 * a boxed key, which matters when a million coroutines are parked.
 *
 * <p>Invariants: a record lives in stripe {@code mix(cid) & (STRIPES-1)}, in that stripe's
 * table by linear probing from {@code mix(cid) >>> STRIPE_BITS}; each table is at most half
 * full; removal shifts later entries of the probe run back, so no tombstones exist. Each
 * stripe is guarded by its own monitor, held for a few probes only.
 */
final class CoroutineTable {
    private static final int STRIPE_BITS = 6;
    private static final int STRIPES = 1 << STRIPE_BITS;

    private static final class Stripe {
        Coroutine[] slots = new Coroutine[16];
        int size;
    }

    private final Stripe[] stripes = new Stripe[STRIPES];

    CoroutineTable() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private static int mix(long cid) {
        long h = cid * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    void add(Coroutine co) {
        int h = mix(co.cid);
        Stripe s = stripes[h & (STRIPES - 1)];
        synchronized (s) {
            if ((s.size + 1) * 2 > s.slots.length) {
                grow(s);
            }
            insert(s.slots, h >>> STRIPE_BITS, co);
            s.size++;
        }
    }

    private static void insert(Coroutine[] slots, int start, Coroutine co) {
        int mask = slots.length - 1;
        int i = start & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = co;
    }

    private static void grow(Stripe s) {
        resize(s, s.slots.length * 2);
    }

    private static void resize(Stripe s, int length) {
        Coroutine[] old = s.slots;
        Coroutine[] slots = new Coroutine[length];
        for (Coroutine co : old) {
            if (co != null) {
                insert(slots, mix(co.cid) >>> STRIPE_BITS, co);
            }
        }
        s.slots = slots;
    }

    void remove(Coroutine co) {
        int h = mix(co.cid);
        Stripe s = stripes[h & (STRIPES - 1)];
        synchronized (s) {
            Coroutine[] slots = s.slots;
            int mask = slots.length - 1;
            int i = (h >>> STRIPE_BITS) & mask;
            while (slots[i] != co) {
                if (slots[i] == null) {
                    return;
                }
                i = (i + 1) & mask;
            }
            slots[i] = null;
            s.size--;
            // Shift back later entries of the run that could not sit in their home slot past the hole.
            int hole = i;
            for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
                int home = (mix(slots[j].cid) >>> STRIPE_BITS) & mask;
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    slots[hole] = slots[j];
                    slots[j] = null;
                    hole = j;
                }
            }
            if (slots.length > 16 && s.size * 8 < slots.length) {
                resize(s, slots.length / 2);
            }
        }
    }

    Coroutine get(long cid) {
        int h = mix(cid);
        Stripe s = stripes[h & (STRIPES - 1)];
        synchronized (s) {
            Coroutine[] slots = s.slots;
            int mask = slots.length - 1;
            for (int i = (h >>> STRIPE_BITS) & mask; slots[i] != null; i = (i + 1) & mask) {
                if (slots[i].cid == cid) {
                    return slots[i];
                }
            }
            return null;
        }
    }

    /** A snapshot of the live records, in no particular order. */
    List<Coroutine> snapshot() {
        List<Coroutine> out = new ArrayList<>();
        for (Stripe s : stripes) {
            synchronized (s) {
                for (Coroutine co : s.slots) {
                    if (co != null) {
                        out.add(co);
                    }
                }
            }
        }
        return out;
    }
}
