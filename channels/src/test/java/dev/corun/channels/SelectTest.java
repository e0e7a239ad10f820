package dev.corun.channels;

import static org.junit.jupiter.api.Assertions.*;

import dev.corun.Co;
import dev.corun.DeadlockException;
import dev.corun.Status;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SelectTest {
    @Test
    void firesTheReadyClauseAndSaysWhichOne() {
        Channel<String> a = new Channel<>(1);
        Channel<String> b = new Channel<>(1);
        b.push("from b");
        Select.Fired f = new Select().receive(a).receive(b).await(Duration.ZERO);
        assertEquals(1, f.index());
        assertEquals(Status.OK, f.status());
        assertEquals("from b", f.value(String.class));
        assertTrue(b.isEmpty());
    }

    @Test
    void anEarlierReadyClauseWins() {
        Channel<Integer> a = new Channel<>(1);
        Channel<Integer> b = new Channel<>(1);
        a.push(1);
        b.push(2);
        assertEquals(0, new Select().receive(a).receive(b).await().index());
        assertEquals(1, b.length(), "the losing clause took nothing");
    }

    @Test
    void waitsForTheFirstOfSeveralAndLeavesNoTraceInTheOthers() {
        Channel<Integer> a = new Channel<>(0);
        Channel<Integer> b = new Channel<>(0);
        AtomicReference<Select.Fired> fired = new AtomicReference<>();
        Co.run(() -> {
            long selector = Co.go(() -> fired.set(new Select().receive(a).receive(b).await()));
            while (a.stats().consumerNum() + b.stats().consumerNum() < 2) {
                Co.yield();
            }
            b.push(42);
            Co.join(selector);
        });
        assertEquals(new Select.Fired(1, Status.OK, 42), fired.get());
        assertEquals(0, a.stats().consumerNum(), "the clause on a was withdrawn");
        assertEquals(Status.TIMEOUT, a.trySend(1));
    }

    @Test
    void aSendClauseFiresWhenAReceiverWaits() {
        Channel<String> out = new Channel<>(0);
        Channel<String> never = new Channel<>(0);
        AtomicReference<String> got = new AtomicReference<>();
        Co.run(() -> {
            long receiver = Co.go(() -> got.set(out.pop()));
            Select.Fired f = new Select().receive(never).send(out, "hi").await();
            assertEquals(1, f.index());
            assertNull(f.value());
            Co.join(receiver);
        });
        assertEquals("hi", got.get());
    }

    @Test
    void timeoutAndPollWhenNothingIsReady() {
        Channel<Integer> a = new Channel<>(0);
        assertEquals(new Select.Fired(-1, Status.TIMEOUT, null), new Select().receive(a).await(Duration.ZERO));
        Co.run(() -> assertEquals(Status.TIMEOUT, new Select().receive(a).send(a, 1).await(Duration.ofMillis(20)).status()));
        assertEquals(new Channel.Stats(0, 0, 0), a.stats());
        assertThrows(IllegalStateException.class, () -> new Select().await());
    }

    @Test
    void aClosedChannelFiresWithClosed() {
        Channel<Integer> a = new Channel<>(0);
        Channel<Integer> b = new Channel<>(0);
        AtomicReference<Select.Fired> fired = new AtomicReference<>();
        Co.run(() -> {
            long selector = Co.go(() -> fired.set(new Select().receive(a).receive(b).await()));
            while (a.stats().consumerNum() == 0) {
                Co.yield();
            }
            a.close();
            Co.join(selector);
        });
        assertEquals(new Select.Fired(0, Status.CLOSED, null), fired.get());
        assertEquals(Status.CLOSED, new Select().send(a, 1).await().status());
    }

    @Test
    void cancelEndsTheSelectWithCanceled() {
        Channel<Integer> a = new Channel<>(0);
        AtomicReference<Select.Fired> fired = new AtomicReference<>();
        Co.run(() -> {
            long selector = Co.go(() -> fired.set(new Select().receive(a).await()));
            while (a.stats().consumerNum() == 0) {
                Co.yield();
            }
            Co.cancel(selector);
            Co.join(selector);
        });
        assertEquals(Status.CANCELED, fired.get().status());
        assertEquals(0, a.stats().consumerNum());
    }

    @Test
    void aSelectNobodyCanSatisfyIsADeadlock() {
        DeadlockException e = assertThrows(DeadlockException.class,
                () -> Co.run(() -> new Select().receive(new Channel<>(0)).receive(new Channel<>(1)).await()));
        assertTrue(e.getMessage().contains("Select.await(2 channels)"), e.getMessage());
    }

    /**
     * Selectors receive from two channels while other selectors send into them, with timeouts:
     * each element fired as sent is received exactly once, by a plain pop or a select.
     */
    @Test
    void exactlyOneClauseFiresUnderContention() {
        int senders = 20;
        int perSender = 300;
        Channel<Integer> a = new Channel<>(0);
        Channel<Integer> b = new Channel<>(2);
        AtomicIntegerArray sent = new AtomicIntegerArray(senders * perSender);
        AtomicIntegerArray received = new AtomicIntegerArray(senders * perSender);
        AtomicInteger sendersDone = new AtomicInteger();
        Co.run(() -> {
            for (int s = 0; s < senders; s++) {
                int base = s * perSender;
                Co.go(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < perSender; i++) {
                        int v = base + i;
                        Select.Fired f = rnd.nextBoolean()
                                ? new Select().send(a, v).send(b, v).await(Duration.ofMillis(rnd.nextInt(1, 3)))
                                : new Select().send(b, v).send(a, v).await();
                        if (f.status() == Status.OK) {
                            sent.incrementAndGet(v);
                        }
                    }
                    if (sendersDone.incrementAndGet() == senders) {
                        a.close();
                        b.close();
                    }
                });
            }
            for (int r = 0; r < 10; r++) {
                boolean plain = r % 3 == 0;
                Co.go(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    int closedSeen = 0;
                    while (closedSeen < 2) {
                        if (plain) {
                            Channel.Result<Integer> x = (rnd.nextBoolean() ? a : b).pop(Duration.ofMillis(2));
                            if (x.isOk()) {
                                received.incrementAndGet(x.value());
                            } else if (x.status() == Status.CLOSED) {
                                closedSeen = a.isClosed() && b.isClosed() && a.isEmpty() && b.isEmpty() ? 2 : closedSeen;
                            }
                        } else {
                            Select.Fired f = new Select().receive(a).receive(b).await(Duration.ofMillis(rnd.nextInt(1, 4)));
                            if (f.status() == Status.OK) {
                                received.incrementAndGet((Integer) f.value());
                            } else if (f.status() == Status.CLOSED) {
                                closedSeen = a.isClosed() && b.isClosed() && a.isEmpty() && b.isEmpty() ? 2 : closedSeen;
                            }
                        }
                    }
                });
            }
        });
        int total = 0;
        for (int i = 0; i < sent.length(); i++) {
            assertEquals(sent.get(i), received.get(i), "element " + i + " sent " + sent.get(i) + " received " + received.get(i));
            total += sent.get(i);
        }
        assertTrue(total > 0);
    }
}
