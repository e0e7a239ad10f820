package dev.corun.channels;

import static org.junit.jupiter.api.Assertions.*;

import dev.corun.Co;
import dev.corun.CoOptions;
import dev.corun.DeadlockException;
import dev.corun.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each behaviour of DESIGN.md's channel semantics, from Java coroutines and plain threads. */
@Timeout(60)
class ChannelTest {
    private static void until(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Co.yield();
        }
    }

    @Test
    void rendezvousHandsOverBetweenCoroutines() {
        Channel<String> ch = new Channel<>(0);
        AtomicReference<String> got = new AtomicReference<>();
        Co.run(() -> {
            Co.go(() -> assertTrue(ch.push("hello")));
            got.set(ch.pop());
        });
        assertEquals("hello", got.get());
        assertEquals(Status.TIMEOUT, ch.trySend("nobody waits"), "a rendezvous channel buffers nothing");
        assertTrue(ch.isFull());
    }

    @Test
    void bufferedChannelHoldsCapacityElementsInOrder() {
        Channel<Integer> ch = new Channel<>(2);
        assertEquals(Status.OK, ch.trySend(1));
        assertEquals(Status.OK, ch.trySend(2));
        assertTrue(ch.isFull());
        assertEquals(Status.TIMEOUT, ch.trySend(3));
        assertEquals(2, ch.length());
        assertEquals(2, ch.capacity());
        assertEquals(1, ch.tryReceive().value());
        assertEquals(2, ch.pop());
        assertTrue(ch.isEmpty());
        assertEquals(Status.TIMEOUT, ch.tryReceive().status());
    }

    @Test
    void refusesNullsAndNegativeCapacity() {
        Channel<String> ch = new Channel<>(1);
        assertThrows(NullPointerException.class, () -> ch.push(null));
        assertThrows(NullPointerException.class, () -> ch.trySend(null));
        assertThrows(IllegalArgumentException.class, () -> new Channel<>(-1));
    }

    @Test
    void closeWakesABlockedConsumerAndPopsDrainThenReportClosed() {
        Channel<Integer> ch = new Channel<>(4);
        AtomicReference<Channel.Result<Integer>> woken = new AtomicReference<>();
        Co.run(() -> {
            long consumer = Co.go(() -> woken.set(ch.pop(null)));
            until(() -> ch.stats().consumerNum() == 1);
            assertTrue(ch.close());
            Co.join(consumer);
        });
        assertEquals(Status.CLOSED, woken.get().status());
        assertFalse(ch.close(), "a second close returns false");

        Channel<Integer> buffered = new Channel<>(4);
        buffered.push(1);
        buffered.push(2);
        buffered.close();
        assertEquals(Status.CLOSED, buffered.push(3, null), "pushes to a closed channel fail at once");
        assertFalse(buffered.push(3));
        assertEquals(1, buffered.pop());
        assertEquals(2, buffered.pop(Duration.ZERO).value());
        assertEquals(Status.CLOSED, buffered.pop(null).status());
        assertNull(buffered.pop());
    }

    @Test
    void closeWakesABlockedProducerWhoseElementIsNotAdded() {
        Channel<Integer> ch = new Channel<>(1);
        AtomicReference<Status> pushed = new AtomicReference<>();
        Co.run(() -> {
            ch.push(1);
            long producer = Co.go(() -> pushed.set(ch.push(2, null)));
            until(() -> ch.stats().producerNum() == 1);
            ch.close();
            Co.join(producer);
        });
        assertEquals(Status.CLOSED, pushed.get());
        assertEquals(1, ch.pop());
        assertEquals(Status.CLOSED, ch.pop(null).status());
    }

    @Test
    void pushTimesOutOnAFullChannel() {
        Channel<Integer> ch = new Channel<>(1);
        ch.push(1);
        Co.run(() -> assertEquals(Status.TIMEOUT, ch.push(2, Duration.ofMillis(30))));
        assertEquals(Status.TIMEOUT, ch.push(2, Duration.ZERO));
        assertEquals(0, ch.stats().producerNum(), "the timed-out push left no trace");
        assertEquals(1, ch.length());
    }

    @Test
    void popTimesOutThenALaterPushIsStillAccepted() {
        Channel<Integer> ch = new Channel<>(0);
        Co.run(() -> {
            assertEquals(Status.TIMEOUT, ch.pop(Duration.ofMillis(30)).status());
            assertEquals(0, ch.stats().consumerNum(), "the timed-out pop left no trace");
            long consumer = Co.go(() -> assertEquals(7, ch.pop()));
            assertTrue(ch.push(7), "the push goes to the live consumer, not the timed-out one");
            Co.join(consumer);
        });
    }

    @Test
    void statsCountWaitersOnEachSideAndBufferedElements() {
        Channel<Integer> empty = new Channel<>(2);
        Channel<Integer> full = new Channel<>(1);
        Co.run(() -> {
            full.push(0);
            List<Long> cids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                cids.add(Co.go(empty::pop));
            }
            for (int i = 0; i < 2; i++) {
                int v = i + 1;
                cids.add(Co.go(() -> full.push(v)));
            }
            until(() -> empty.stats().consumerNum() == 3 && full.stats().producerNum() == 2);
            assertEquals(new Channel.Stats(3, 0, 0), empty.stats());
            assertEquals(new Channel.Stats(0, 2, 1), full.stats());
            empty.close();
            full.close();
            Co.join(cids.stream().mapToLong(Long::longValue).toArray());
        });
    }

    @Test
    void waitersAreServedFirstComeFirstServed() {
        Channel<Integer> ch = new Channel<>(0);
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        Co.run(() -> {
            long[] consumers = new long[3];
            for (int i = 0; i < 3; i++) {
                String name = "consumer" + i;
                consumers[i] = Co.go(() -> got.add(name + "=" + ch.pop()));
                int waiting = i + 1;
                until(() -> ch.stats().consumerNum() == waiting);
            }
            for (int v = 0; v < 3; v++) {
                ch.push(v);
            }
            Co.join(consumers);
        });
        assertEquals(List.of("consumer0=0", "consumer1=1", "consumer2=2"), got.stream().sorted().toList());
    }

    @Test
    void cancelMakesABlockedPopReturnCanceledAndLeavesNoTrace() {
        Channel<Integer> ch = new Channel<>(0);
        AtomicReference<Channel.Result<Integer>> r = new AtomicReference<>();
        Co.run(() -> {
            long consumer = Co.go(() -> r.set(ch.pop(null)));
            until(() -> ch.stats().consumerNum() == 1);
            Co.cancel(consumer);
            Co.join(consumer);
            assertEquals(0, ch.stats().consumerNum());
            assertEquals(Status.TIMEOUT, ch.trySend(1), "no consumer is left to take it");
        });
        assertEquals(Status.CANCELED, r.get().status());
        assertEquals(-3, r.get().status().code());
    }

    @Test
    void popOnAnEmptyChannelNobodyWillPushIsADeadlock() {
        DeadlockException e = assertThrows(DeadlockException.class, () -> Co.run(() -> new Channel<Integer>(0).pop()));
        assertTrue(e.getMessage().startsWith("all coroutines (count: 1) are asleep - deadlock!"), e.getMessage());
        assertTrue(e.getMessage().contains("Channel.pop()"), e.getMessage());
    }

    @Test
    void plainThreadsAndCoroutinesShareAChannel() throws Exception {
        Channel<Integer> ch = new Channel<>(0);
        Thread consumer = new Thread(() -> assertEquals(5, ch.pop()));
        consumer.start();
        Co.go(() -> ch.push(5));
        consumer.join();
    }

    /**
     * push and pop are yield points: coroutines looping on a channel that never makes them
     * wait (capacity 1, push then pop) hold every carrier, with preemption and compensation
     * off, and a coroutine one of them starts still runs, because the monitor asks the looper
     * on its carrier to give way and the next push or pop does. Temporary carriers left by
     * earlier tests are let go first: one retiring would hand its queued work to the global
     * queue, which only preemption or compensation would reach.
     */
    @Test
    void pushAndPopGiveWayToCoroutinesWaitingOnTheirCarrier() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Co.stats().carriers().stream().anyMatch(c -> c.temporary() && !c.state().equals("RETIRED"))) {
            assertTrue(System.nanoTime() < deadline, "temporary carriers did not retire");
            Thread.sleep(10);
        }
        CoOptions saved = Co.options();
        Co.set(new CoOptions().preemptiveScheduler(false).maxExtraCarriers(0));
        try {
            AtomicBoolean stop = new AtomicBoolean();
            Co.run(() -> {
                int carriers = Co.options().carriers();
                CountDownLatch looping = new CountDownLatch(carriers);
                for (int i = 0; i < carriers; i++) {
                    boolean starter = i == 0;
                    Channel<Integer> own = new Channel<>(1);
                    Co.go(() -> {
                        looping.countDown();
                        if (starter) {
                            looping.await();
                            Co.go(() -> stop.set(true)); // queued on this looper's carrier, behind it
                        }
                        while (!stop.get()) {
                            own.push(1);
                            own.pop();
                        }
                    });
                }
            });
            assertTrue(stop.get());
        } finally {
            Co.set(new CoOptions().preemptiveScheduler(saved.preemptiveScheduler()).maxExtraCarriers(saved.maxExtraCarriers()));
        }
    }
}
