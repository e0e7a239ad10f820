package dev.corun.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When thieves may take a carrier's hot tasks (started or woken by its code): not at once, but
 * once the monitor saw one wait a whole tick, or once the carrier is stuck. Drives one carrier object by hand from the
 * test thread (its owner here) and plays the monitor with {@code openStaleHot}; the carrier
 * thread itself is never started.
 */
@Timeout(60)
class CarrierHotQueueTest {
    private final Scheduler scheduler = new Scheduler("hot-test", 1);
    private final Carrier carrier = new Carrier(scheduler, "hot-test-probe", false);

    @AfterEach
    void stop() {
        scheduler.shutdown();
    }

    @Test
    void aStartedTaskIsNotStealableAtOnceEither() {
        carrier.pushHot(task("started"));
        assertFalse(carrier.hasStealableWork());
        assertNull(carrier.stealHot(new RunQueue()));
        assertEquals("started", String.valueOf(carrier.pollHot()));
    }

    private static Runnable task(String name) {
        return new Runnable() {
            @Override
            public void run() {}

            @Override
            public String toString() {
                return name;
            }
        };
    }

    @Test
    void aTaskDisplacedFromRunNextIsNotStealableAtOnce() {
        Runnable first = task("first");
        carrier.pushRunNext(first);
        carrier.pushRunNext(task("second"));
        assertEquals(1, carrier.hot.size(), "the displaced task waits in the hot queue");
        assertFalse(carrier.hasStealableWork());
        assertNull(carrier.stealHot(new RunQueue()));
        assertTrue(carrier.hasLocalWork(), "the monitor still sees it as the carrier's work");
        assertEquals(2, carrier.queued() + 1, "queued counts the hot queue (run-next apart)");
    }

    @Test
    void aYieldingTaskIsStealableAtOnce() {
        carrier.pushLocal(task("yielding"));
        assertTrue(carrier.hasStealableWork());
        assertNotNull(carrier.queue.stealInto(new RunQueue()));
    }

    @Test
    void theMonitorOpensTheWokenQueueOnlyAfterATaskWaitedAWholeTick() {
        carrier.pushRunNext(task("a"));
        carrier.pushRunNext(task("b"));
        assertFalse(carrier.openStaleHot(false), "first look: the task was queued after the previous one");
        assertFalse(carrier.hasStealableWork());
        assertTrue(carrier.openStaleHot(false), "second look: the same task is still there");
        assertTrue(carrier.hotOpen);
        assertTrue(carrier.hasStealableWork());
        assertFalse(carrier.openStaleHot(false), "already open");
        RunQueue thief = new RunQueue();
        assertEquals("a", String.valueOf(carrier.stealHot(thief)));
    }

    @Test
    void theMonitorDoesNotOpenTheWokenQueueOfACarrierStuckInOneTask() {
        carrier.pushRunNext(task("a"));
        carrier.pushRunNext(task("b"));
        assertFalse(carrier.openStaleHot(true));
        assertFalse(carrier.openStaleHot(true), "its task is asked to give way instead; longRunning opens it later");
        assertFalse(carrier.hasStealableWork());
        assertTrue(carrier.openStaleHot(false), "once it moves again, the task that waited is let go");
    }

    @Test
    void aGiveWayRequestIsReplacedByAPreemptionButNotTheOtherWayRound() {
        assertTrue(carrier.askToGiveWay());
        assertEquals(Carrier.GIVE_WAY, carrier.preemptMark);
        assertTrue(carrier.markForPreemption());
        assertEquals(Carrier.PREEMPT, carrier.preemptMark);
        assertFalse(carrier.askToGiveWay());
        int before = Carrier.preemptMarks;
        assertEquals(Carrier.PREEMPT, carrier.clearPreemptMark());
        assertEquals(before - 1, Carrier.preemptMarks, "one mark counted, however often it changed");
        assertEquals(0, carrier.clearPreemptMark());
    }

    @Test
    void aQueueThatKeepsMovingIsNeverOpened() {
        carrier.pushRunNext(task("t0"));
        for (int tick = 1; tick <= 5; tick++) {
            carrier.pushRunNext(task("t" + tick)); // displaces the previous one into the hot queue
            assertFalse(carrier.openStaleHot(false), "tick " + tick);
            assertNotNull(carrier.pollHot(), "the owner ran everything queued before the look");
        }
        assertFalse(carrier.hotOpen);
    }

    @Test
    void theOwnerClosesTheQueueWhenItFindsItEmpty() {
        carrier.pushRunNext(task("a"));
        carrier.pushRunNext(task("b"));
        carrier.openStaleHot(false);
        carrier.pushRunNext(task("c"));
        assertTrue(carrier.openStaleHot(false));
        assertNotNull(carrier.pollHot());
        assertNotNull(carrier.pollHot());
        assertTrue(carrier.hotOpen, "open while it holds tasks");
        assertNull(carrier.pollHot());
        assertFalse(carrier.hotOpen, "closed once found empty");
        carrier.pushRunNext(task("d"));
        assertFalse(carrier.hasStealableWork(), "a task woken after that waits its tick again");
    }

    @Test
    void aStuckCarriersWokenTasksAndRunNextAreStealable() {
        carrier.pushRunNext(task("a"));
        carrier.pushRunNext(task("b"));
        carrier.longRunning = true;
        assertTrue(carrier.hasStealableWork());
        assertEquals("a", String.valueOf(carrier.stealHot(new RunQueue())));
        assertEquals("b", String.valueOf(carrier.stealRunNext()));
    }

    @Test
    void aFullWokenQueueSpillsItsOlderHalfToTheGlobalQueue() throws InterruptedException {
        CountDownLatch spilledRan = new CountDownLatch(512);
        carrier.pushRunNext(spilledRan::countDown);
        int pushes = 0;
        int size;
        do {
            size = carrier.hot.size();
            carrier.pushRunNext(pushes < 511 ? spilledRan::countDown : task("kept"));
            pushes++;
        } while (carrier.hot.size() > size);
        assertEquals(1025, pushes, "the hot queue holds 1024 tasks; the next displaced one spills");
        assertEquals(513, carrier.hot.size(), "half went, the new one came");
        assertTrue(spilledRan.await(30, TimeUnit.SECONDS), "the spilled half ran on the scheduler's carrier");
    }
}
