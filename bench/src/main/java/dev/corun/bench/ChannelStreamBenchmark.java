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
 * Buffered stream: one producer sends {@value #ELEMENTS} elements through a channel of
 * capacity {@value #CAPACITY} to one consumer. The score is the time per element.
 *
 * <p>Kotlin: producer and consumer {@code go { }} of one {@code corun { }} with corun's
 * {@code Channel(1024)} and suspend {@code send}/{@code receive}, against two {@code launch { }}
 * of {@code runBlocking(Dispatchers.Default)} with kotlinx {@code Channel(1024)}. Java: two
 * {@code Co.go} coroutines with {@code push}/{@code pop}, against two virtual threads on the
 * JDK's default scheduler with {@code ArrayBlockingQueue(1024)} {@code put}/{@code take}.
 * The consumer receives exactly {@value #ELEMENTS} (no close), the element is the cached
 * {@code Integer} 1 and the sum is checked. One fork per method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ChannelStreamBenchmark.ELEMENTS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.OPENS, Jvm.HEAP})
public class ChannelStreamBenchmark {
    static final int ELEMENTS = 200_000;
    static final int CAPACITY = 1024;
    private static final Integer ONE = 1;

    @Benchmark
    public long kotlinCorun(CorunState corun) {
        return check(KotlinChannels.corunStream(ELEMENTS, CAPACITY), ELEMENTS);
    }

    @Benchmark
    public long kotlinxDispatchersDefault() {
        return check(KotlinChannels.defaultStream(ELEMENTS, CAPACITY), ELEMENTS);
    }

    @Benchmark
    public long javaCorun(CorunState corun) {
        Channel<Integer> ch = new Channel<>(CAPACITY);
        long[] sum = new long[1];
        Co.run(() -> {
            Co.go(() -> {
                for (int i = 0; i < ELEMENTS; i++) {
                    ch.push(ONE);
                }
            });
            Co.go(() -> {
                long s = 0;
                for (int i = 0; i < ELEMENTS; i++) {
                    s += ch.pop();
                }
                sum[0] = s;
            });
        });
        return check(sum[0], ELEMENTS);
    }

    @Benchmark
    public long javaArrayBlockingQueueDefaultVirtualThreads() throws InterruptedException {
        ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);
        long[] sum = new long[1];
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ELEMENTS; i++) {
                    q.put(ONE);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                long s = 0;
                for (int i = 0; i < ELEMENTS; i++) {
                    s += q.take();
                }
                sum[0] = s;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        producer.join();
        consumer.join();
        return check(sum[0], ELEMENTS);
    }
}
