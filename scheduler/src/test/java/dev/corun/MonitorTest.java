package dev.corun;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import dev.corun.internal.CorunRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the monitor thread does: deadlock reports, preemption at checkpoints, compensation for stuck carriers. */
@Timeout(60)
class MonitorTest {
    private CoOptions saved;

    @BeforeEach
    void save() {
        saved = Co.options();
    }

    @AfterEach
    void restore() {
        Co.set(new CoOptions()
                .preemptiveScheduler(saved.preemptiveScheduler())
                .maxExtraCarriers(saved.maxExtraCarriers())
                .deadlockCheck(saved.deadlockCheck())
                .compensateAfter(saved.compensateAfter()));
    }

    @Test
    void aJoinCycleIsReportedAsADeadlockWithEachCoroutineAndItsStack() {
        AtomicLong main = new AtomicLong();
        AtomicLong child = new AtomicLong();
        DeadlockException e = assertThrows(DeadlockException.class, () -> Co.run(() -> {
            main.set(Co.getCid());
            child.set(Co.go(() -> Co.join(main.get())));
            Co.join(child.get());
        }));
        String report = e.getMessage();
        assertTrue(report.startsWith("all coroutines (count: 2) are asleep - deadlock!"), report);
        assertEquals(2, e.getCount());
        assertTrue(report.contains("coroutine " + main.get() + " "), report);
        assertTrue(report.contains("coroutine " + child.get() + " "), report);
        assertTrue(report.contains("Co.join([" + child.get() + "])"), report);
        assertTrue(report.contains("\tat dev.corun.MonitorTest"), "each coroutine's stack: " + report);
        assertEquals(Status.OK, Co.join(new long[] {main.get(), child.get()}, Duration.ofSeconds(30)),
                "the deadlocked coroutines are cancelled and end");
    }

    /**
     * The main coroutine starts its children in a loop, so most of them are counted ahead in a
     * batch and it still holds unused credits when it waits: the report must still come, with
     * every member and no credit counted as one.
     */
    @Test
    void aDeadlockAmongCoroutinesStartedByALoopIsReportedWithTheirExactCount() {
        DeadlockException e = assertThrows(DeadlockException.class, () -> Co.run(() -> {
            long main = Co.getCid();
            long first = Co.go(() -> Co.join(main));
            for (int i = 0; i < 99; i++) {
                Co.go(() -> Co.join(main));
            }
            Co.join(first);
        }));
        assertTrue(e.getMessage().startsWith("all coroutines (count: 101) are asleep - deadlock!"), e.getMessage());
        assertEquals(101, e.getCount());
    }

    /** Credits given back as the spawner ends: the run ends with its last child, not before, not never. */
    @Test
    void aRunWhoseMainStartedALoopOfChildrenEndsWhenTheLastChildEnds() {
        java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
        Co.run(() -> {
            for (int i = 0; i < 1_000; i++) {
                int n = i;
                Co.go(() -> {
                    Co.sleep(Duration.ofMillis(n % 3 == 0 ? 30 : 0));
                    ended.incrementAndGet();
                });
            }
        });
        assertEquals(1_000, ended.get());
    }

    @Test
    void aCoroutineSleepingOnATimerIsNotADeadlock() {
        AtomicBoolean slept = new AtomicBoolean();
        Co.run(() -> {
            long sleeper = Co.go(() -> {
                Co.sleep(Duration.ofMillis(200));
                slept.set(true);
            });
            assertEquals(Status.OK, Co.join(sleeper)); // main waits with no timeout while the sleeper is on a timer
        });
        assertTrue(slept.get());
    }

    @Test
    void aCoroutineBlockedOnIoOrForeignLocksIsNotADeadlock() throws Exception {
        CountDownLatch external = new CountDownLatch(1);
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(300); // a plain thread outside the runtime, not a test synchronising by sleep
            } catch (InterruptedException ignored) {
                // exit
            }
            external.countDown();
        });
        releaser.start();
        Co.run(() -> {
            long waiter = Co.go(external::await); // parked, but not on a corun primitive
            Co.join(waiter);
        });
        releaser.join();
    }

    @Test
    void withTheCheckOffATimedJoinCycleJustTimesOut() {
        Co.set(new CoOptions().deadlockCheck(false));
        AtomicLong main = new AtomicLong();
        Co.run(() -> {
            main.set(Co.getCid());
            long child = Co.go(() -> Co.join(new long[] {main.get()}, Duration.ofMillis(300)));
            assertEquals(Status.OK, Co.join(child));
        });
    }

    /**
     * Two coroutines spin on both carriers, calling checkpoint(); compensation is off. A third
     * coroutine, woken by its timer, waits in the global queue, which the spinners' carriers do
     * not look at while they run one task: only preemption can let it run and tell them to stop.
     */
    @Test
    void checkpointLetsAnotherCoroutineRunWhenPreemptionIsOn() {
        Co.set(new CoOptions().preemptiveScheduler(true).maxExtraCarriers(0));
        long before = Co.stats().preemptions();
        AtomicBoolean stop = new AtomicBoolean();
        Co.run(() -> {
            int carriers = Co.options().carriers();
            CountDownLatch spinning = new CountDownLatch(carriers);
            Co.go(() -> {
                spinning.await();
                Co.sleep(Duration.ofMillis(1)); // woken from the timer thread: the global queue
                stop.set(true);
            });
            for (int i = 0; i < carriers; i++) {
                Co.go(() -> {
                    spinning.countDown();
                    while (!stop.get()) {
                        Co.checkpoint();
                    }
                });
            }
        });
        assertTrue(stop.get());
        assertTrue(Co.stats().preemptions() > before, "the spinners were preempted");
    }

    /**
     * The same spinners with preemption off, and the third coroutine started by one of them,
     * so it waits on that spinner's carrier: the monitor sees that carrier's own work wait
     * behind the spinner and asks it to give way, and at its next checkpoint it goes behind
     * that work on the same carrier. Temporary carriers left by earlier tests are let go first:
     * one retiring between two tasks would hand its queued work to the global queue, which
     * only preemption or compensation (both off here) would then reach.
     */
    @Test
    void checkpointGivesWayToTheCarriersOwnWaitingWorkWhenPreemptionIsOff() throws InterruptedException {
        awaitNoTemporaryCarriers();
        Co.set(new CoOptions().preemptiveScheduler(false).maxExtraCarriers(0));
        long before = Co.stats().preemptions();
        AtomicBoolean stop = new AtomicBoolean();
        Co.run(() -> {
            int carriers = Co.options().carriers();
            CountDownLatch spinning = new CountDownLatch(carriers);
            for (int i = 0; i < carriers; i++) {
                boolean starter = i == 0;
                Co.go(() -> {
                    spinning.countDown();
                    if (starter) {
                        spinning.await();
                        Co.go(() -> stop.set(true)); // queued on this spinner's carrier, behind it
                    }
                    while (!stop.get()) {
                        Co.checkpoint();
                    }
                });
            }
        });
        assertTrue(stop.get());
        assertEquals(before, Co.stats().preemptions(), "giving way is not a preemption");
    }

    /** Waits (at most 30 s) until the temporary carriers of earlier tests have retired; they do after 500 ms idle. */
    static void awaitNoTemporaryCarriers() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Co.stats().carriers().stream().anyMatch(c -> c.temporary() && !c.state().equals("RETIRED"))) {
            assertTrue(System.nanoTime() < deadline, "temporary carriers did not retire: " + Co.stats().carriers());
            Thread.sleep(10);
        }
    }

    @Test
    void checkpointCostsNothingVisibleWhenPreemptionIsOff() {
        Co.set(new CoOptions().preemptiveScheduler(false));
        long before = Co.stats().preemptions();
        Co.run(() -> {
            for (int i = 0; i < 10_000_000; i++) {
                Co.checkpoint();
            }
        });
        assertEquals(before, Co.stats().preemptions());
    }

    /**
     * Hogs that never reach a yield point hold every carrier; a temporary carrier runs the rest.
     * There is one hog per carrier alive at the start, temporary ones left by earlier tests
     * included (with only one per fixed carrier, a leftover could leave a fixed carrier free).
     * The last coroutine looks at its own carrier (a virtual thread's name shows it): counting
     * carriers started was flaky, since a leftover could run it and retire before the count
     * was read.
     */
    @Test
    void busyLoopsWithoutYieldPointsDoNotStarveOthers() {
        Co.set(new CoOptions().preemptiveScheduler(false).compensateAfter(Duration.ofMillis(20)));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> ranOn = new AtomicReference<>();
        Co.run(() -> {
            int carriers = Co.stats().carriers().size();
            CountDownLatch hogging = new CountDownLatch(carriers);
            for (int i = 0; i < carriers; i++) {
                Co.go(() -> {
                    hogging.countDown();
                    while (!stop.get()) {
                        Thread.onSpinWait();
                    }
                });
            }
            hogging.await();
            Co.go(() -> {
                ranOn.set(Thread.currentThread().toString()); // VirtualThread[#n]/runnable@corun-carrier-k[-extra]
                stop.set(true);
            });
        });
        assertTrue(stop.get());
        assertTrue(ranOn.get().endsWith("-extra"), "the last coroutine ran on a temporary carrier: " + ranOn.get());
    }

    /**
     * A coroutine wakes ten others and then loops without yield points. The last one woken
     * waits in its carrier's run-next slot and the other nine in its hot queue, which thieves
     * do not take at once; the monitor opens both once that carrier is stuck, and the other
     * carrier runs all ten while the loop goes on (it ends only when they have run).
     */
    @Test
    void coroutinesWokenByABusyLoopRunOnAnotherCarrier() {
        assumeTrue(Co.options().carriers() >= 2, "needs a second carrier");
        Co.set(new CoOptions().preemptiveScheduler(false).maxExtraCarriers(0));
        int n = 10;
        AtomicBoolean released = new AtomicBoolean();
        AtomicLong ran = new AtomicLong();
        AtomicBoolean gaveUp = new AtomicBoolean();
        Co.run(() -> {
            Thread[] sleepers = new Thread[n];
            CountDownLatch started = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                int k = i;
                Co.go(() -> {
                    sleepers[k] = Thread.currentThread();
                    started.countDown();
                    while (!released.get()) {
                        LockSupport.park();
                    }
                    ran.incrementAndGet();
                });
            }
            started.await();
            for (Thread t : sleepers) {
                while (t.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
            }
            released.set(true);
            for (Thread t : sleepers) {
                LockSupport.unpark(t);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ran.get() < n) { // no yield point: only another carrier can run them
                if (System.nanoTime() > deadline) {
                    gaveUp.set(true);
                    break;
                }
                Thread.onSpinWait();
            }
        });
        assertFalse(gaveUp.get(), "only " + ran.get() + " of " + n + " woken coroutines ran while their waker looped");
        assertEquals(n, ran.get());
    }

    /**
     * A loop starts one coroutine per carrier, each spinning without yield points until all of
     * them run at once. They start in the starter's carrier's hot queue, which thieves do not
     * take from at once; once the first holds that carrier, the monitor opens it and the other
     * carriers take the rest (compensation off, so nothing else could run them).
     */
    @Test
    void coroutinesStartedByALoopSpreadOverTheCarriers() {
        int carriers = Co.options().carriers();
        assumeTrue(carriers >= 2, "needs a second carrier");
        Co.set(new CoOptions().preemptiveScheduler(false).maxExtraCarriers(0));
        AtomicLong running = new AtomicLong();
        AtomicBoolean gaveUp = new AtomicBoolean();
        Co.run(() -> {
            for (int i = 0; i < carriers; i++) {
                Co.go(() -> {
                    running.incrementAndGet();
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (running.get() < carriers) {
                        if (System.nanoTime() > deadline) {
                            gaveUp.set(true);
                            return;
                        }
                        Thread.onSpinWait();
                    }
                });
            }
        });
        assertFalse(gaveUp.get(), "only " + running.get() + " of " + carriers + " ran at once");
    }

    /**
     * Two spinners calling checkpoint() hold both carriers while a third coroutine sleeps 1 ms
     * at a time (its wake-ups come through the global queue). Compensation starts one temporary
     * carrier for it, and that carrier must stay while the spinners are still stuck: retiring
     * it as soon as nothing starved for a while only starved the sleeper again, and the monitor
     * started a new carrier every few tens of milliseconds.
     */
    @Test
    void aTemporaryCarrierStaysWhileTheCarrierItReplacesIsStillStuck() throws InterruptedException {
        awaitNoTemporaryCarriers();
        Co.set(new CoOptions().preemptiveScheduler(false));
        long before = Co.stats().extraCarriersStarted();
        AtomicBoolean stop = new AtomicBoolean();
        Co.run(() -> {
            int carriers = Co.options().carriers();
            for (int i = 0; i < carriers; i++) {
                Co.go(() -> {
                    while (!stop.get()) {
                        Co.checkpoint();
                    }
                });
            }
            for (int i = 0; i < 1000; i++) { // a second or more: the old rule restarted one every ~250 ms
                Co.sleep(Duration.ofMillis(1));
            }
            stop.set(true);
        });
        long started = Co.stats().extraCarriersStarted() - before;
        assertTrue(started >= 1 && started <= 2, "temporary carriers started: " + started);
    }

    /**
     * A task that blocks its carrier thread itself, as a pinned virtual thread or a blocking
     * call inside a Kotlin coroutine does, on every carrier: compensation runs the rest.
     */
    @Test
    void carriersBlockedInsideATaskAreCompensated() throws Exception {
        Co.set(new CoOptions().compensateAfter(Duration.ofMillis(20)));
        long before = Co.stats().extraCarriersStarted();
        int carriers = Co.options().carriers();
        CountDownLatch blocking = new CountDownLatch(carriers);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < carriers; i++) {
            CorunRuntime.get().scheduler().execute(() -> {
                blocking.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        blocking.await();
        Co.run(release::countDown);
        CoStats stats = Co.stats();
        assertTrue(stats.extraCarriersStarted() > before || stats.carriers().stream().anyMatch(CoStats.Carrier::temporary),
                "a temporary carrier ran the coroutine: " + stats);
    }
}
