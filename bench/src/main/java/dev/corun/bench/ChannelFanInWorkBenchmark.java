package dev.corun.bench;

import static dev.corun.bench.ChannelPingPongBenchmark.check;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fan-in of {@link ChannelFanInBenchmark} with producers that compute: each runs
 * {@code work} rounds of {@link Work#one} (about half a microsecond at 500) before each send.
 * Here the producers, not the channel, are the bottleneck, so a scheduler that keeps the
 * fan-in on one carrier to spare the channel's cache lines would lose the second core; this
 * benchmark shows whether it does (the ideal on 2 cores is half the single-core time).
 * {@value #PRODUCERS} producers, {@value #PER_PRODUCER} elements each, capacity {@value #CAPACITY};
 * the score is the time per element.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ChannelFanInWorkBenchmark.PRODUCERS * ChannelFanInWorkBenchmark.PER_PRODUCER)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.OPENS, Jvm.HEAP})
@State(Scope.Benchmark)
public class ChannelFanInWorkBenchmark {
    static final int PRODUCERS = 1000;
    static final int PER_PRODUCER = 50;
    static final int TOTAL = PRODUCERS * PER_PRODUCER;
    static final int CAPACITY = 1024;

    /** xorshift rounds per element. */
    @Param({"500"})
    public int work;

    @Benchmark
    public long kotlinCorun(CorunState corun) {
        return check(KotlinChannels.corunFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, work), TOTAL);
    }

    @Benchmark
    public long kotlinxDispatchersDefault() {
        return check(KotlinChannels.defaultFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, work), TOTAL);
    }

    @Benchmark
    public long javaCorun(CorunState corun) {
        return check(ChannelFanInBenchmark.javaCorunFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, work), TOTAL);
    }

    @Benchmark
    public long javaArrayBlockingQueueDefaultVirtualThreads() throws InterruptedException {
        return check(ChannelFanInBenchmark.javaQueueFanIn(PRODUCERS, PER_PRODUCER, CAPACITY, work), TOTAL);
    }
}
