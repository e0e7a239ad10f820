package dev.corun.channels;

import static org.junit.jupiter.api.Assertions.*;

import dev.corun.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Flow adapters and Result helpers as Java code sees them. */
@Timeout(60)
class ChannelAdaptersJavaTest {
    @Test
    void aChannelAsAPublisherDeliversOnlyWhatWasRequestedThenCompletes() throws Exception {
        Channel<Integer> ch = new Channel<>(8);
        for (int i = 1; i <= 5; i++) {
            ch.push(i);
        }
        ch.close();
        List<Integer> got = new CopyOnWriteArrayList<>();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        CountDownLatch two = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(1);
        ChannelAdapters.asPublisher(ch).subscribe(new Flow.Subscriber<Integer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(2);
            }

            @Override
            public void onNext(Integer item) {
                got.add(item);
                two.countDown();
            }

            @Override
            public void onError(Throwable t) {
                fail(t);
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertTrue(two.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(1, 2), got, "back-pressure: only the two requested");
        subscription.get().request(Long.MAX_VALUE);
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(1, 2, 3, 4, 5), got);
    }

    @Test
    void aPublisherBecomesAChannelThatClosesWhenItCompletes() {
        Channel<String> ch;
        try (SubmissionPublisher<String> publisher = new SubmissionPublisher<>()) {
            ch = ChannelAdapters.toChannel(publisher, 4);
            while (publisher.getNumberOfSubscribers() == 0) { // it drops items nobody has subscribed to yet
                Thread.onSpinWait();
            }
            publisher.submit("a");
            publisher.submit("b");
        }
        assertEquals("a", ch.pop(Duration.ofSeconds(30)).value());
        assertEquals("b", ch.pop(Duration.ofSeconds(30)).value());
        assertEquals(Status.CLOSED, ch.pop(Duration.ofSeconds(30)).status());
    }

    @Test
    void resultValueOrTellsTheStatus() {
        Channel<String> ch = new Channel<>(1);
        assertEquals("TIMEOUT", ch.tryReceive().valueOr(Status::name));
        ch.push("x");
        assertEquals("x", ch.tryReceive().valueOr(s -> "none"));
    }
}
