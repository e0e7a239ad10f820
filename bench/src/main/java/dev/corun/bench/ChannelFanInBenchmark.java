package dev.corun.bench;

import static dev.corun.bench.ChannelPingPongBenchmark.check;

import dev.corun.Co;
import dev.corun.channels.Channel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-in: {@value #PRODUCERS} producers each send {@value #PER_PRODUCER} elements into one
 * channel of capacity {@value #CAPACITY}, drained by one consumer. The score is the time per
 * element ({@value #PRODUCERS} x {@value #PER_PRODUCER} of them), starting the producers
 * included (one coroutine per {@value #PER_PRODUCER} elements).
 *
 * <p>The capacity, 1024, is the same on every side: about one slot per producer, so the buffer
 * fills and most producers wait as parked senders, and every element the consumer takes lets
 * one sender go on (the contended path of a fan-in, not only the buffer).
 *
 * <p>Kotlin: {@code go { }} coroutines of one {@code corun { }} over a corun {@code Channel(1024)},
 * against {@code launch { }} of {@code runBlocking(Dispatchers.Default)} over kotlinx
 * {@code Channel(1024)}. Java: {@code Co.go} coroutines with {@code push}/{@code pop}, against
 * virtual threads on the JDK's default scheduler over {@code ArrayBlockingQueue(1024)}. The
 * consumer starts first and receives exactly the total; the sum is checked. One fork per method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ChannelFanInBenchmark.PRODUCERS * ChannelFanInBenchmark.PER_PRODUCER)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.OPENS, Jvm.HEAP})
public class ChannelFanInBenchmark {
    static final int PRODUCERS = 1000;
    static final int PER_PRODUCER = 200;
    static final int TOTAL = PRODUCERS * PER_PRODUCER;
    static final int CAPACITY = 1024;
    private static final Integer ONE = 1;

    @Benchmark
    public long kotlinCorun(CorunState corun) {
        return check(KotlinChannels.corunFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, 0), TOTAL);
    }

    @Benchmark
    public long kotlinxDispatchersDefault() {
        return check(KotlinChannels.defaultFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, 0), TOTAL);
    }

    @Benchmark
    public long javaCorun(CorunState corun) {
        return check(javaCorunFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, 0), TOTAL);
    }

    @Benchmark
    public long javaArrayBlockingQueueDefaultVirtualThreads() throws InterruptedException {
        return check(javaQueueFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, 0), TOTAL);
    }

    /** The element a producer sends: 1, after {@code work} rounds of {@link Work#one} if {@code work > 0}. */
    private static Integer element(int work, long seed) {
        return work == 0 ? ONE : Work.one(work, seed);
    }

    /** corun: {@code Co.go} producers {@code push} into a {@code Channel(capacity)}, one {@code Co.go} consumer pops all; returns the sum. */
    static long javaCorunFanIn(int producers, int perProducer, int capacity, int work) {
        Channel<Integer> ch = new Channel<>(capacity);
        int total = producers * perProducer;
        long[] sum = new long[1];
        Co.run(() -> {
            Co.go(() -> {
                long s = 0;
                for (int i = 0; i < total; i++) {
                    s += ch.pop();
                }
                sum[0] = s;
            });
            for (int p = 0; p < producers; p++) {
                long seed = p;
                Co.go(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        ch.push(element(work, seed + i));
                    }
                });
            }
        });
        return sum[0];
    }

    /** JDK: the same with virtual threads on the default scheduler over an {@code ArrayBlockingQueue(capacity)}. */
    static long javaQueueFanIn(int producers, int perProducer, int capacity, int work) throws InterruptedException {
        ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(capacity);
        int total = producers * perProducer;
        long[] sum = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                long s = 0;
                for (int i = 0; i < total; i++) {
                    s += q.take();
                }
                sum[0] = s;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.Builder.OfVirtual builder = Thread.ofVirtual();
        for (int p = 0; p < producers; p++) {
            long seed = p;
            builder.start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        q.put(element(work, seed + i));
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        consumer.join();
        return sum[0];
    }
}
