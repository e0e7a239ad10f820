package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Status;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProducerConsumerTest {

    @Test
    void theConsumerGetsEveryElementInOrderThenClosed() {
        ProducerConsumer.Handoff h = ProducerConsumer.run(5);

        assertEquals(List.of(1, 2, 3, 4, 5), h.received());
        assertEquals(Status.CLOSED, h.end());
    }

    @Test
    void closingDropsNothingEvenWithManyMoreElementsThanTheBufferHolds() {
        ProducerConsumer.Handoff h = ProducerConsumer.run(1000);

        assertEquals(IntStream.rangeClosed(1, 1000).boxed().toList(), h.received());
        assertEquals(Status.CLOSED, h.end());
    }

    @Test
    void mainProducerAndConsumerTakeIdsFromOneSequenceInTheOrderTheyStarted() {
        ProducerConsumer.Handoff h = ProducerConsumer.run(3);

        assertTrue(0 < h.mainCid() && h.mainCid() < h.producerCid() && h.producerCid() < h.consumerCid(), h::toString);
    }
}
