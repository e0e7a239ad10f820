package dev.corun.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.Consumer;

/**
 * The live coroutines by id, for {@code Co.exists}, {@code list}, {@code cancel},
 * {@code getBackTrace} and the deadlock walk. Every coroutine is added when it starts and
 * removed when it ends, so this sits on the spawn path and must cost little there.
 *
 * <p>Ids are handed out in order, and most coroutines are short: the live ones are mostly the
 * last few thousand ids. A record therefore goes first to its <em>direct slot</em>,
 * {@code slots[cid & (length - 1)]}: adding is one CAS from null, removing one release store of
 * null, looking up one read, with no lock and no hashing. Consecutive ids share cache lines, so
 * a spawning carrier fills a line for several coroutines, and the carriers ending older ones
 * work some lines behind it. A record whose slot is still held by an older live coroutine (one
 * that outlived {@code length} newer starts, or one of a million parked ones) goes to the
 * {@link StripedCoroutineMap} instead, and stays there until it ends.
 *
 * <p>Invariants: a record is in exactly one place from its add until its remove: its direct
 * slot or the striped map, chosen once by the add. Only the add of a record writes a record
 * into a slot (a CAS from null, so two adds whose ids share a slot cannot both win), and only
 * the remove of the record in a slot clears it; a record is added and removed once. So a
 * remove that finds its record in the slot may clear it with a plain release store, and a
 * lookup that finds another record (or none) there asks the map.
 *
 * <p>The direct slots take {@value #DIRECT_SLOTS} references (512 KB with compressed oops) for
 * the life of the runtime: the default {@code maxCoroutines} (100,000) fits in them. A walk
 * ({@link #forEach}, {@link #snapshot}) reads all of them, ~90 us on 2 cores however few are
 * alive, plus the map's non-empty stripes.
 */
final class CoroutineTable {
    static final int DIRECT_SLOTS = 1 << 17;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Coroutine[].class);

    private final Coroutine[] slots;
    private final int mask;
    private final StripedCoroutineMap spilled;

    CoroutineTable() {
        this(DIRECT_SLOTS, new StripedCoroutineMap());
    }

    /** A table with {@code directSlots} (a power of two) direct slots in front of {@code spilled}; tests use few. */
    CoroutineTable(int directSlots, StripedCoroutineMap spilled) {
        if (Integer.bitCount(directSlots) != 1) {
            throw new IllegalArgumentException("directSlots must be a power of two, got " + directSlots);
        }
        this.slots = new Coroutine[directSlots];
        this.mask = directSlots - 1;
        this.spilled = spilled;
    }

    void add(Coroutine co) {
        int i = (int) co.cid & mask;
        if (SLOT.getOpaque(slots, i) != null || !SLOT.compareAndSet(slots, i, null, co)) {
            spilled.add(co);
        }
    }

    /** Removes a record added before; a record never added (a handler cancelled before it started) is ignored. */
    void remove(Coroutine co) {
        int i = (int) co.cid & mask;
        if (SLOT.getOpaque(slots, i) == co) {
            SLOT.setRelease(slots, i, null);
        } else {
            spilled.remove(co);
        }
    }

    Coroutine get(long cid) {
        Coroutine co = (Coroutine) SLOT.getAcquire(slots, (int) cid & mask);
        return co != null && co.cid == cid ? co : spilled.get(cid);
    }

    /**
     * Visits the live records: the direct slots in order, then the map's (see
     * {@link StripedCoroutineMap#forEach} for {@code scratch}, which is returned for the next
     * call). No record is visited twice; one added or removed during the walk may or may not be.
     */
    Coroutine[] forEach(Consumer<? super Coroutine> visitor, Coroutine[] scratch) {
        for (int i = 0; i < slots.length; i++) {
            Coroutine co = (Coroutine) SLOT.getAcquire(slots, i);
            if (co != null) {
                visitor.accept(co);
            }
        }
        return spilled.forEach(visitor, scratch);
    }

    /** A snapshot of the live records, in no particular order. */
    List<Coroutine> snapshot() {
        List<Coroutine> out = spilled.snapshot();
        for (int i = 0; i < slots.length; i++) {
            Coroutine co = (Coroutine) SLOT.getAcquire(slots, i);
            if (co != null) {
                out.add(co);
            }
        }
        return out;
    }
}
