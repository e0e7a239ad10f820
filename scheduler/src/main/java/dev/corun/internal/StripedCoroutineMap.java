package dev.corun.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The live coroutines by id that {@link CoroutineTable} could not keep in its direct slots:
 * those whose slot was taken by an older live coroutine, which is most of them when far more
 * coroutines are alive than there are direct slots (a million parked ones). Lock-striped open
 * addressing: a coroutine costs one array slot (8 to 16 bytes at the loads kept here) instead
 * of a hash-map node and a boxed key. (A {@code long[]} of ids beside the slots was tried: it
 * cost 16 bytes per parked coroutine and bought little once ids were grouped, since
 * neighbouring records were allocated together and are in cache.)
 *
 * <p>Consecutive ids go to consecutive stripes (the low six bits pick the stripe), so two
 * carriers ending neighbouring coroutines take different locks. Within a stripe, its members
 * are hashed by groups of eight consecutive ones into aligned blocks of eight slots.
 * Coroutines are started and mostly end in id order, so a burst touches each cache line of a
 * table once per eight of its coroutines instead of once per coroutine (hashing every id on
 * its own made each add and each remove a cache miss once a million were alive; grouping
 * consecutive ids in one stripe made neighbouring enders meet on its lock).
 *
 * <p>Invariants: a record lives in stripe {@code cid & (STRIPES-1)}, in that stripe's
 * table by linear probing from {@link #home}; each table is at most half
 * full; removal shifts later entries of the probe run back, so no tombstones exist. A table
 * shrinks only when it is less than a 32nd full and has not grown for a second: bursts of
 * coroutines that come and go reuse the room the last burst made instead of rehashing the
 * stripe (under its lock) on every burst. A stripe keeps that room until a removal after the
 * second shrinks it.
 *
 * <p>Each stripe is guarded by its own spin lock, held for a few probes only and never across
 * a call that can block. Spawners and enders on different carriers meet on a stripe now and
 * then; a {@code synchronized} block inflated its monitor on those meetings and the monitor
 * entry was most of the table's cost on the spawn path, so the lock is one CAS and one release
 * store. Stripes are padded so two carriers working on neighbouring stripes do not share a
 * cache line.
 */
final class StripedCoroutineMap {
    private static final int STRIPE_BITS = 6;
    private static final int STRIPES = 1 << STRIPE_BITS;
    private static final int GROUP_BITS = 3;
    private static final int GROUP = 1 << GROUP_BITS;
    private static final int MIN_LENGTH = 16;
    private static final long SHRINK_AFTER_NANOS = 1_000_000_000L;

    private final long shrinkAfterNanos;

    @SuppressWarnings("unused") // p0..p6: padding
    private static final class Stripe {
        long p0, p1, p2, p3, p4, p5, p6;
        volatile int locked;
        int size;
        long grownAtNanos;
        Coroutine[] slots = new Coroutine[MIN_LENGTH];

        void lock() {
            if (!LOCKED.compareAndSet(this, 0, 1)) {
                contend();
            }
        }

        private void contend() {
            for (int spins = 1; !LOCKED.compareAndSet(this, 0, 1); spins++) {
                if ((spins & 63) == 0) {
                    Thread.yield(); // the holder's thread was descheduled mid-section
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        void unlock() {
            LOCKED.setRelease(this, 0);
        }
    }

    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(Stripe.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Stripe[] stripes = new Stripe[STRIPES];

    StripedCoroutineMap() {
        this(SHRINK_AFTER_NANOS);
    }

    /** A table whose stripes may shrink {@code shrinkAfterNanos} after they last grew (tests shrink at once). */
    StripedCoroutineMap(long shrinkAfterNanos) {
        this.shrinkAfterNanos = shrinkAfterNanos;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private static int mix(long group) {
        long h = group * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /**
     * The slot where {@code cid} sits if nothing collides: the stripe's members (every 64th id)
     * go by groups of eight consecutive members into aligned blocks of eight slots.
     */
    private static int home(long cid, int mask) {
        long member = cid >>> STRIPE_BITS;
        int g = mix(member >>> GROUP_BITS);
        return ((g << GROUP_BITS) | (int) (member & (GROUP - 1))) & mask;
    }

    private Stripe stripeOf(long cid) {
        return stripes[(int) cid & (STRIPES - 1)];
    }

    void add(Coroutine co) {
        Stripe s = stripeOf(co.cid);
        s.lock();
        try {
            if ((s.size + 1) * 2 > s.slots.length) {
                resize(s, s.slots.length * 2);
                s.grownAtNanos = System.nanoTime();
            }
            insert(s.slots, co);
            s.size++;
        } finally {
            s.unlock();
        }
    }

    private static void insert(Coroutine[] slots, Coroutine co) {
        int mask = slots.length - 1;
        int i = home(co.cid, mask);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = co;
    }

    private static void resize(Stripe s, int length) {
        Coroutine[] slots = new Coroutine[length];
        for (Coroutine co : s.slots) {
            if (co != null) {
                insert(slots, co);
            }
        }
        s.slots = slots;
    }

    void remove(Coroutine co) {
        long cid = co.cid;
        Stripe s = stripeOf(cid);
        s.lock();
        try {
            Coroutine[] slots = s.slots;
            int mask = slots.length - 1;
            int i = home(cid, mask);
            while (slots[i] != co) {
                if (slots[i] == null) {
                    return; // never registered (a handler cancelled before it started)
                }
                i = (i + 1) & mask;
            }
            s.size--;
            // Shift back later entries of the run that could not sit in their home slot past the hole.
            int hole = i;
            for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
                if (((j - home(slots[j].cid, mask)) & mask) >= ((j - hole) & mask)) {
                    slots[hole] = slots[j];
                    hole = j;
                }
            }
            slots[hole] = null;
            if (slots.length > MIN_LENGTH && s.size * 32 < slots.length
                    && System.nanoTime() - s.grownAtNanos >= shrinkAfterNanos) {
                resize(s, slots.length / 2);
            }
        } finally {
            s.unlock();
        }
    }

    Coroutine get(long cid) {
        Stripe s = stripeOf(cid);
        s.lock();
        try {
            Coroutine[] slots = s.slots;
            int mask = slots.length - 1;
            for (int i = home(cid, mask); slots[i] != null; i = (i + 1) & mask) {
                if (slots[i].cid == cid) {
                    return slots[i];
                }
            }
            return null;
        } finally {
            s.unlock();
        }
    }

    /**
     * Visits the live records, one stripe at a time: the stripe's slots are copied under its lock
     * into {@code scratch} (or into a larger array, which is returned for the next call) and
     * visited outside the lock, so a visitor that reads the records never holds up a starter or an
     * ender. A stripe that looks empty (its size read without the lock) is skipped. No record is
     * visited twice; one added or removed during the walk may or may not be visited. The scratch
     * array is left empty, so it keeps no record alive.
     */
    Coroutine[] forEach(Consumer<? super Coroutine> visitor, Coroutine[] scratch) {
        for (Stripe s : stripes) {
            if (s.size == 0) {
                continue;
            }
            int n;
            for (;;) {
                if (scratch.length < s.slots.length) {
                    scratch = new Coroutine[s.slots.length]; // outside the lock; a racy read of the length, checked under it
                }
                s.lock();
                try {
                    n = s.slots.length;
                    if (n <= scratch.length) {
                        System.arraycopy(s.slots, 0, scratch, 0, n);
                        break;
                    }
                } finally {
                    s.unlock();
                }
            }
            for (int i = 0; i < n; i++) {
                Coroutine co = scratch[i];
                if (co != null) {
                    scratch[i] = null;
                    visitor.accept(co);
                }
            }
        }
        return scratch;
    }

    /** A snapshot of the live records, in no particular order. */
    List<Coroutine> snapshot() {
        List<Coroutine> out = new ArrayList<>();
        for (Stripe s : stripes) {
            Coroutine[] slots;
            s.lock();
            try {
                slots = s.slots.clone(); // one copy under the lock; the walk happens outside it
            } finally {
                s.unlock();
            }
            for (Coroutine co : slots) {
                if (co != null) {
                    out.add(co);
                }
            }
        }
        return out;
    }
}
