package dev.corun.bench;

import dev.corun.Co;
import dev.corun.channels.Channel;
import java.util.concurrent.SynchronousQueue;
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
 * Rendezvous ping-pong: two coroutines exchange {@value #ROUNDS} round trips over two
 * capacity-0 channels (ping: A sends, B receives; pong: B sends back, A receives). The score
 * is the time per round trip (two rendezvous handoffs, two wake-ups).
 *
 * <ul>
 *   <li>Kotlin: {@code corun { }} with two {@code go { }} over corun {@code Channel(0)} with
 *       suspend {@code send}/{@code receive}, against kotlinx {@code Channel(RENDEZVOUS)}
 *       between two {@code launch { }} of {@code runBlocking(Dispatchers.Default)}.</li>
 *   <li>Java: two {@code Co.go} coroutines of one {@code Co.run} with blocking
 *       {@code push}/{@code pop}, against {@link SynchronousQueue} {@code put}/{@code take}
 *       between two virtual threads on the JDK's default scheduler.</li>
 *   <li>Java–Kotlin: a Kotlin {@code go { }} pings with {@code send}/{@code receive}, a Java
 *       {@code Co.go} pongs with {@code pop}/{@code push}, over the same corun channels.</li>
 * </ul>
 * Every scheduler has two threads; the element is the cached {@code Integer} 1; the receivers'
 * sum is checked, so a lost or duplicated element fails the trial. One fork per method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ChannelPingPongBenchmark.ROUNDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.OPENS, Jvm.HEAP})
public class ChannelPingPongBenchmark {
    static final int ROUNDS = 100_000;
    private static final Integer ONE = 1;

    @Benchmark
    public long kotlinCorun(CorunState corun) {
        return check(KotlinChannels.corunPingPong(ROUNDS), ROUNDS);
    }

    @Benchmark
    public long kotlinxDispatchersDefault() {
        return check(KotlinChannels.defaultPingPong(ROUNDS), ROUNDS);
    }

    @Benchmark
    public long javaCorun(CorunState corun) {
        Channel<Integer> ping = new Channel<>(0);
        Channel<Integer> pong = new Channel<>(0);
        long[] sum = new long[1];
        Co.run(() -> {
            Co.go(() -> {
                long s = 0;
                for (int i = 0; i < ROUNDS; i++) {
                    ping.push(ONE);
                    s += pong.pop();
                }
                sum[0] = s;
            });
            Co.go(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.push(ping.pop());
                }
            });
        });
        return check(sum[0], ROUNDS);
    }

    @Benchmark
    public long javaSynchronousQueueDefaultVirtualThreads() throws InterruptedException {
        SynchronousQueue<Integer> ping = new SynchronousQueue<>();
        SynchronousQueue<Integer> pong = new SynchronousQueue<>();
        long[] sum = new long[1];
        Thread a = Thread.ofVirtual().start(() -> {
            try {
                long s = 0;
                for (int i = 0; i < ROUNDS; i++) {
                    ping.put(ONE);
                    s += pong.take();
                }
                sum[0] = s;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread b = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.put(ping.take());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        a.join();
        b.join();
        return check(sum[0], ROUNDS);
    }

    @Benchmark
    public long javaKotlinCorun(CorunState corun) {
        return check(KotlinChannels.mixedPingPong(ROUNDS), ROUNDS);
    }

    /** Fails the trial unless every element sent (each worth 1) was received exactly once. */
    static long check(long sum, long expected) {
        if (sum != expected) {
            throw new IllegalStateException("received a sum of " + sum + ", expected " + expected);
        }
        return sum;
    }
}
