package dev.corun;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java facade, call by call: identity, context, defer, exit, failures, sleep, cancel, join, limits. */
@Timeout(60)
class CoTest {

    @Test
    void cidIsMinusOneOutsideAndDistinctIncreasingInside() {
        assertEquals(-1, Co.getCid());
        assertEquals(-1, Co.getPcid());
        assertEquals(-1, Co.getElapsed());
        List<Long> cids = Collections.synchronizedList(new ArrayList<>());
        AtomicLong mainCid = new AtomicLong();
        AtomicLong childParent = new AtomicLong();
        Co.run(() -> {
            mainCid.set(Co.getCid());
            assertEquals(-1, Co.getPcid(), "the main coroutine has no parent");
            long a = Co.go(() -> {
                cids.add(Co.getCid());
                childParent.set(Co.getPcid());
            });
            long b = Co.go(() -> cids.add(Co.getCid()));
            assertTrue(b > a && a > mainCid.get(), "ids count up");
        });
        assertTrue(mainCid.get() > 0);
        assertEquals(mainCid.get(), childParent.get());
        assertEquals(2, new java.util.HashSet<>(cids).size());
    }

    @Test
    void existsListElapsedAndBackTraceOfAParkedCoroutine() {
        Co.run(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch parked = new CountDownLatch(1);
            long cid = Co.go("sleeper", () -> {
                parked.countDown();
                release.await();
            });
            parked.await();
            assertTrue(Co.exists(cid));
            assertTrue(Arrays.stream(Co.list()).anyMatch(c -> c == cid));
            assertTrue(Arrays.stream(Co.list()).anyMatch(c -> c == Co.getCid()));
            assertEquals(Co.getCid(), Co.getPcid(cid));
            assertTrue(Co.getElapsed(cid) >= 0);
            StackTraceElement[] trace = Co.getBackTrace(cid);
            assertNotNull(trace);
            assertTrue(Arrays.stream(trace).anyMatch(e -> e.getMethodName().contains("lambda")),
                    "the parked coroutine's own frames: " + Arrays.toString(trace));
            assertTrue(Arrays.stream(Co.getBackTrace(Co.getCid())).anyMatch(e -> e.getMethodName().equals("getBackTrace")));
            release.countDown();
            assertEquals(Status.OK, Co.join(cid));
            assertFalse(Co.exists(cid));
            assertNull(Co.getBackTrace(cid));
            assertEquals(-1, Co.getElapsed(cid));
            assertEquals(-1, Co.getPcid(cid));
        });
    }

    @Test
    void statsCountLiveCoroutinesAndCarriers() {
        Co.run(() -> {
            CountDownLatch release = new CountDownLatch(1);
            int before = Co.stats().coroutineNum();
            long[] cids = new long[10];
            for (int i = 0; i < cids.length; i++) {
                cids[i] = Co.go(release::await);
            }
            CoStats s = Co.stats();
            assertTrue(s.coroutineNum() >= before + 10, s.toString());
            assertTrue(s.coroutinePeak() >= s.coroutineNum());
            assertEquals(cids[9], s.lastCid(), "no other coroutines start in this test");
            assertEquals(Co.options().carriers(), s.carriers().stream().filter(c -> !c.temporary()).count());
            release.countDown();
            Co.join(cids);
        });
    }

    @Test
    void contextIsPerCoroutineNotInheritedAndEmptiedAtTheEnd() {
        Context.Key<String> user = Context.key("user");
        AtomicReference<Context> childContext = new AtomicReference<>();
        Co.run(() -> {
            Co.getContext().put(user, "parent");
            Co.getContext().put("plain", 1);
            long child = Co.go(() -> {
                assertNull(Co.getContext().get(user), "not inherited");
                Co.getContext().put(user, "child");
                childContext.set(Co.getContext());
                assertEquals("child", Co.getContext(Co.getCid()).get(user));
            });
            Co.join(child);
            assertEquals("parent", Co.getContext().get(user));
            assertEquals(1, Co.getContext().get("plain"));
            assertNull(Co.getContext(child), "gone with its coroutine");
        });
        assertTrue(childContext.get().isEmpty(), "emptied when the coroutine ended");
        IllegalStateException e = assertThrows(IllegalStateException.class, Co::getContext);
        assertTrue(e.getMessage().contains("inside a coroutine"));
    }

    @Test
    void defersRunLastInFirstOutAlsoAfterAnException() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        RuntimeException boom = new RuntimeException("boom");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Co.run(() -> {
            Co.defer(() -> order.add("first"));
            Co.defer(() -> order.add("second"));
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals(List.of("second", "first"), order);
        assertThrows(IllegalStateException.class, () -> Co.defer(() -> {}));
    }

    @Test
    void exitThrowsExitExceptionWithStatusAndCoroutineFlag() {
        AtomicReference<ExitException> caught = new AtomicReference<>();
        Co.run(() -> {
            try {
                Co.exit(3);
            } catch (ExitException e) {
                caught.set(e);
            }
        });
        assertEquals(3, caught.get().getStatus());
        assertEquals(ExitException.EXIT_IN_COROUTINE, caught.get().getFlags());

        ExitException uncaught = assertThrows(ExitException.class, () -> Co.run(() -> Co.go(() -> Co.exit(7))));
        assertEquals(7, uncaught.getStatus());
        assertThrows(IllegalStateException.class, () -> Co.exit(1));
    }

    @Test
    void anUncaughtExceptionStaysInItsCoroutineAndRunThrowsItAfterAll() {
        AtomicReference<String> siblingSaw = new AtomicReference<>();
        IllegalStateException first = new IllegalStateException("first");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Co.run(() -> {
            long failing = Co.go(() -> {
                throw first;
            });
            Co.go(() -> {
                Co.join(failing);
                Co.sleep(Duration.ofMillis(20));
                siblingSaw.set("still running");
                throw new IllegalArgumentException("second");
            });
        }));
        assertSame(first, thrown);
        assertEquals("still running", siblingSaw.get(), "the sibling finished its work");
        assertEquals(1, thrown.getSuppressed().length);
        assertInstanceOf(IllegalArgumentException.class, thrown.getSuppressed()[0]);
    }

    @Test
    void checkedExceptionsComeWrapped() {
        CompletionException e = assertThrows(CompletionException.class, () -> Co.run(() -> {
            throw new IOException("disk");
        }));
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void runCannotBeNested() {
        AtomicReference<Throwable> t = new AtomicReference<>();
        Co.run(() -> t.set(assertThrows(IllegalStateException.class, () -> Co.run(() -> {}))));
        assertTrue(t.get().getMessage().contains("cannot be nested"));
    }

    @Test
    void sleepValidatesAndThousandSleepersRunConcurrently() {
        assertThrows(IllegalArgumentException.class, () -> Co.sleep(Duration.ofMillis(-1)));
        assertEquals(Status.OK, Co.sleep(Duration.ZERO));
        long t0 = System.nanoTime();
        AtomicLong woke = new AtomicLong();
        Co.run(() -> {
            for (int i = 0; i < 1000; i++) {
                Co.go(() -> {
                    assertEquals(Status.OK, Co.sleep(Duration.ofMillis(100)));
                    woke.incrementAndGet();
                });
            }
        });
        assertEquals(1000, woke.get());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 20_000, "1000 sleeps of 100 ms ran one after another: " + millis + " ms");
    }

    @Test
    void cancelWakesASleepingCoroutineWithCanceled() {
        AtomicReference<Status> result = new AtomicReference<>();
        Co.run(() -> {
            CountDownLatch started = new CountDownLatch(1);
            long sleeper = Co.go(() -> {
                started.countDown();
                result.set(Co.sleep(Duration.ofHours(1)));
            });
            started.await();
            assertTrue(Co.cancel(sleeper));
            assertEquals(Status.OK, Co.join(sleeper));
            assertFalse(Co.cancel(sleeper), "no longer alive");
            IllegalArgumentException self = assertThrows(IllegalArgumentException.class, () -> Co.cancel(Co.getCid()));
            assertTrue(self.getMessage().contains("itself"));
        });
        assertEquals(Status.CANCELED, result.get());
    }

    @Test
    void aCancelWhileRunningIsKeptForTheNextWait() {
        AtomicReference<Status> result = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean proceed = new java.util.concurrent.atomic.AtomicBoolean();
        Co.run(() -> {
            long busy = Co.go(() -> {
                while (!proceed.get()) {
                    Co.yield(); // running, not in a cancellable wait
                }
                result.set(Co.sleep(Duration.ofHours(1)));
            });
            assertTrue(Co.cancel(busy));
            proceed.set(true);
            Co.join(busy);
        });
        assertEquals(Status.CANCELED, result.get(), "the pending cancel ends the next wait at once");
    }

    @Test
    void joinWaitsTimesOutRefusesSelfAndTreatsEndedAsDone() {
        Co.run(() -> {
            CountDownLatch release = new CountDownLatch(1);
            long blocked = Co.go(release::await);
            assertEquals(Status.TIMEOUT, Co.join(new long[] {blocked}, Duration.ofMillis(50)));
            long quick = Co.go(() -> {});
            release.countDown();
            assertEquals(Status.OK, Co.join(new long[] {blocked, quick, 999_999_999L}, Duration.ofSeconds(30)));
            assertEquals(Status.OK, Co.join(new long[0], null));
            assertThrows(IllegalArgumentException.class, () -> Co.join(Co.getCid()));
        });
    }

    @Test
    void aCancelledJoinReturnsCanceled() {
        AtomicReference<Status> result = new AtomicReference<>();
        Co.run(() -> {
            CountDownLatch release = new CountDownLatch(1);
            long target = Co.go(release::await);
            long joiner = Co.go(() -> result.set(Co.join(target)));
            while (Co.getBackTrace(joiner) == null
                    || Arrays.stream(Co.getBackTrace(joiner)).noneMatch(e -> e.getMethodName().equals("join"))) {
                Co.yield();
            }
            Co.cancel(joiner);
            Co.join(joiner);
            release.countDown();
        });
        assertEquals(Status.CANCELED, result.get());
    }

    @Test
    void maxCoroutinesIsEnforcedWithAClearMessage() {
        CoOptions saved = Co.options();
        try {
            Co.run(() -> {
                CountDownLatch release = new CountDownLatch(1);
                int alive = Co.stats().coroutineNum();
                Co.set(new CoOptions().maxCoroutines(alive + 3));
                List<Long> started = new ArrayList<>();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                    for (int i = 0; i < 10; i++) {
                        started.add(Co.go(release::await));
                    }
                });
                assertEquals(3, started.size());
                assertTrue(e.getMessage().contains("maxCoroutines"), e.getMessage());
                release.countDown();
                Co.join(started.stream().mapToLong(Long::longValue).toArray());
            });
        } finally {
            Co.set(new CoOptions().maxCoroutines(saved.maxCoroutines()));
        }
    }

    @Test
    void optionsValidateAndCarriersAreFixedOnceStarted() {
        assertThrows(IllegalArgumentException.class, () -> new CoOptions().carriers(0));
        assertThrows(IllegalArgumentException.class, () -> new CoOptions().maxCoroutines(0));
        assertThrows(IllegalArgumentException.class, () -> new CoOptions().timeSlice(Duration.ZERO));
        Co.stats(); // starts the scheduler if no test did yet
        int carriers = Co.options().carriers();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Co.set(new CoOptions().carriers(carriers + 1)));
        assertTrue(e.getMessage().contains("before the first coroutine"));
        Co.set(new CoOptions().carriers(carriers)); // the same value is fine
    }

    @Test
    void goFromAPlainThreadStandsAlone() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong pcid = new AtomicLong(0);
        long cid = Co.go(() -> {
            pcid.set(Co.getPcid());
            done.countDown();
        });
        done.await();
        assertTrue(cid > 0);
        assertEquals(-1, pcid.get());
    }

    /** 100 000 coroutines parked at once on the carriers, all released and finished. */
    @Test
    void hundredThousandCoroutinesAliveAtOnce() {
        CoOptions saved = Co.options();
        Co.set(new CoOptions().maxCoroutines(200_000));
        try {
            int n = 100_000;
            ConcurrentHashMap<Long, Boolean> ran = new ConcurrentHashMap<>();
            Co.run(() -> {
                CountDownLatch allParked = new CountDownLatch(n);
                CountDownLatch release = new CountDownLatch(1);
                for (int i = 0; i < n; i++) {
                    Co.go(() -> {
                        allParked.countDown();
                        release.await();
                        ran.put(Co.getCid(), true);
                    });
                }
                allParked.await();
                assertTrue(Co.stats().coroutineNum() >= n + 1, "all alive at once: " + Co.stats().coroutineNum());
                release.countDown();
            });
            assertEquals(n, ran.size());
        } finally {
            Co.set(new CoOptions().maxCoroutines(saved.maxCoroutines()));
        }
    }
}
