package dev.corun.samples;

import dev.corun.Co;
import dev.corun.Status;
import dev.corun.channels.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One channel between a producer coroutine and a consumer coroutine, closed by the producer
 * when it has pushed everything: the consumer pops until {@link Channel#pop(java.time.Duration)}
 * reports CLOSED, and gets every element in order first (closing does not drop what is
 * buffered). Each side reports its coroutine id: the run's main coroutine, the producer and the
 * consumer take consecutive ids from one sequence. The Kotlin samples module has the same
 * program with a Kotlin consumer reading what this kind of Java producer pushes.
 */
public final class ProducerConsumer {
    private ProducerConsumer() {}

    /**
     * What the consumer saw.
     *
     * @param mainCid     the id of the run's main coroutine, which started both
     * @param producerCid the id of the coroutine that pushed and closed
     * @param consumerCid the id of the coroutine that popped
     * @param received    the elements in the order they were popped
     * @param end         the status of the pop that ended the loop: CLOSED
     */
    public record Handoff(long mainCid, long producerCid, long consumerCid, List<Integer> received, Status end) {}

    /**
     * Pushes {@code 1..count} through a {@code Channel(2)}, then closes it.
     *
     * @param count how many elements the producer pushes
     */
    public static Handoff run(int count) {
        AtomicReference<Handoff> handoff = new AtomicReference<>();
        Co.run(() -> {
            Channel<Integer> ch = new Channel<>(2);
            long producerCid = Co.go("producer", () -> {
                for (int i = 1; i <= count; i++) {
                    ch.push(i); // parks while 2 elements wait in the channel
                }
                ch.close(); // "no more": the consumer's pops drain the buffer, then report CLOSED
            });
            long mainCid = Co.getCid();
            Co.go("consumer", () -> {
                List<Integer> received = new ArrayList<>();
                Channel.Result<Integer> r;
                while ((r = ch.pop(null)).isOk()) { // null: no timeout
                    received.add(r.value());
                }
                handoff.set(new Handoff(mainCid, producerCid, Co.getCid(), received, r.status()));
            });
        });
        return handoff.get();
    }

    /** Runs the hand-off and prints who did what. */
    public static void main(String[] args) {
        Handoff h = run(5);
        System.out.println("main coroutine #" + h.mainCid() + " started producer #" + h.producerCid()
                + " and consumer #" + h.consumerCid() + " (one id sequence)");
        System.out.println("producer #" + h.producerCid() + " pushed 1..5 into a Channel(2), then closed it");
        System.out.println("consumer #" + h.consumerCid() + " popped " + h.received()
                + ", then the pop reported " + h.end());
    }
}
