package dev.corun.internal;

import dev.corun.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code Co.join(cids, timeout)}: completes its waiter with {@link Status#OK} when the
 * last of its targets has ended. Registered in each live target's joiner queue; each target
 * arrives exactly once, either from its {@code finish} (which polls the queue) or here when the
 * target had already ended (whoever removes the entry from the queue does the arriving).
 */
public final class Join {
    private final Waiter waiter;
    private final AtomicInteger remaining;
    private final List<Coroutine> targets = new ArrayList<>();

    /**
     * Registers a join of {@code cids} for {@code waiter}. Ids of coroutines that have ended
     * (or never existed) count as ended. Joining oneself is refused.
     */
    public static Join register(long[] cids, Waiter waiter) {
        Coroutine self = Coroutine.current();
        for (long cid : cids) {
            if (self != null && cid == self.cid) {
                throw new IllegalArgumentException("a coroutine cannot join itself (cid " + cid + "): it would wait forever");
            }
        }
        Join j = new Join(waiter, cids.length);
        CorunRuntime rt = CorunRuntime.get();
        for (long cid : cids) {
            Coroutine target = rt.find(cid);
            if (target != null && target.addJoiner(j)) {
                j.targets.add(target);
                Coroutine owner = waiter.owner();
                if (owner != null && target.run != owner.run) {
                    waiter.dependsOutsideRun(); // the owner's run does not account for the target's progress
                }
            } else {
                j.arrive();
            }
        }
        return j;
    }

    private Join(Waiter waiter, int count) {
        this.waiter = waiter;
        this.remaining = new AtomicInteger(count);
        if (count == 0) {
            waiter.complete(Status.OK, null);
        }
    }

    void arrive() {
        if (remaining.decrementAndGet() == 0) {
            waiter.complete(Status.OK, null);
        }
    }

    /** After a timeout or cancel: leaves the targets' joiner queues. */
    public void unregister() {
        for (Coroutine target : targets) {
            target.removeJoiner(this);
        }
    }
}
