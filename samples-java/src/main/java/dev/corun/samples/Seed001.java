package dev.corun.samples;

/**
 * Seed 001, "Concurrent Calls", in one program: sub-coroutines and channels instead of
 * callbacks, then the same with a {@code WaitGroup}, then two channel patterns built on it (a
 * producer closing a channel its consumer drains, and a pipeline ending in a select with a
 * timeout).
 */
public final class Seed001 {
    private Seed001() {}

    /** Runs the four samples, each under a heading. */
    public static void main(String[] args) {
        System.out.println("corun samples - seed 001: concurrent calls with coroutines and channels");
        Samples.heading(1, "two concurrent fetches, results through a Channel(2)");
        ConcurrentCalls.main(args);
        Samples.heading(2, "the same, simpler with a WaitGroup");
        ConcurrentCallsWithWaitGroup.main(args);
        Samples.heading(3, "a producer feeding a consumer over one channel, closed at the end");
        ProducerConsumer.main(args);
        Samples.heading(4, "a pipeline: select over results and quit, with a timeout");
        SelectPipeline.main(args);
    }
}
