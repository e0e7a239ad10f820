package dev.corun.channels;

import static org.junit.jupiter.api.Assertions.*;

import dev.corun.Co;
import dev.corun.DeadlockException;
import dev.corun.Status;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WaitGroupTest {
    @Test
    void manyWaitersAreReleasedWhenTheCountReachesZero() {
        WaitGroup wg = new WaitGroup();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        Co.run(() -> {
            for (int i = 0; i < 100; i++) {
                wg.add();
                Co.go(() -> {
                    Co.sleep(Duration.ofMillis(10));
                    done.incrementAndGet();
                    wg.done();
                });
            }
            for (int i = 0; i < 5; i++) {
                Co.go(() -> {
                    assertEquals(Status.OK, wg.await());
                    assertEquals(100, done.get(), "released only after every done()");
                    released.incrementAndGet();
                });
            }
            assertEquals(Status.OK, wg.await(Duration.ofSeconds(30)));
        });
        assertEquals(5, released.get());
        assertEquals(0, wg.count());
    }

    @Test
    void doneMoreOftenThanAddFailsAndChangesNothing() {
        WaitGroup wg = new WaitGroup(1);
        wg.done();
        IllegalStateException e = assertThrows(IllegalStateException.class, wg::done);
        assertTrue(e.getMessage().contains("more often than add()"), e.getMessage());
        assertEquals(0, wg.count());
        assertThrows(IllegalStateException.class, () -> new WaitGroup(-1));
        wg.add(3);
        assertThrows(IllegalStateException.class, () -> wg.add(-4));
        assertEquals(3, wg.count());
    }

    @Test
    void awaitOnZeroReturnsAtOnceTimesOutAndTheGroupCanBeReused() {
        WaitGroup wg = new WaitGroup();
        assertEquals(Status.OK, wg.await(Duration.ZERO));
        wg.add(2);
        assertEquals(Status.TIMEOUT, wg.await(Duration.ZERO));
        Co.run(() -> assertEquals(Status.TIMEOUT, wg.await(Duration.ofMillis(20))));
        wg.add(-2);
        assertEquals(Status.OK, wg.await());
        wg.add();
        Co.run(() -> {
            Co.go(wg::done);
            assertEquals(Status.OK, wg.await());
        });
    }

    @Test
    void cancelWakesAWaiterWithCanceled() {
        WaitGroup wg = new WaitGroup(1);
        AtomicReference<Status> s = new AtomicReference<>();
        Co.run(() -> {
            long waiter = Co.go(() -> s.set(wg.await()));
            while (!wg.toString().contains("waiters=1")) {
                Co.yield();
            }
            Co.cancel(waiter);
            Co.join(waiter);
        });
        assertEquals(Status.CANCELED, s.get());
        assertTrue(wg.toString().contains("waiters=0"), wg.toString());
    }

    @Test
    void waitingForWorkNobodyWillFinishIsADeadlock() {
        DeadlockException e = assertThrows(DeadlockException.class, () -> Co.run(() -> {
            WaitGroup wg = new WaitGroup(1);
            wg.await();
        }));
        assertTrue(e.getMessage().contains("WaitGroup.await()"), e.getMessage());
    }

    @Test
    void barrierWaitsForEveryRegisteredChild() throws Exception {
        Barrier barrier = new Barrier();
        AtomicInteger finished = new AtomicInteger();
        Co.run(() -> {
            for (int i = 0; i < 20; i++) {
                barrier.go(() -> {
                    Co.sleep(Duration.ofMillis(5));
                    finished.incrementAndGet();
                });
            }
            Barrier.Ticket manual = barrier.register();
            Co.go(() -> {
                try (manual) {
                    finished.incrementAndGet();
                }
                manual.close(); // a second close does nothing
            });
            assertEquals(Status.OK, barrier.await());
            assertEquals(21, finished.get());
            assertEquals(0, barrier.pending());
        });
        CountDownLatch never = new CountDownLatch(1);
        Barrier stuck = new Barrier();
        java.util.concurrent.CompletionException failed = assertThrows(java.util.concurrent.CompletionException.class, () -> Co.run(() -> {
            long child = stuck.go(never::await);
            assertEquals(Status.TIMEOUT, stuck.await(Duration.ofMillis(20)));
            Co.cancel(child); // its await throws InterruptedException, which fails the run
        }));
        assertInstanceOf(InterruptedException.class, failed.getCause());
        assertEquals(0, stuck.pending(), "a child that ends by an exception closes its ticket too");
    }
}
