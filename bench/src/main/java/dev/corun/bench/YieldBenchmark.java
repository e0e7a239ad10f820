package dev.corun.bench;

import dev.corun.Co;
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
 * Yield ping-pong: two coroutines on one scheduler each yield {@value #YIELDS} times. The
 * score is the time per yield (total time over {@code 2 * YIELDS}): the cost of putting the
 * running coroutine back in the run queue and switching to the next.
 *
 * <p>Java: {@code Co.yield()} in two corun coroutines of one {@code Co.run} against
 * {@code Thread.yield()} in two virtual threads on the JDK's default scheduler, joined.
 * Kotlin: {@code coYield()} in two {@code go { }} coroutines of one {@code corun { }} against
 * {@code yield()} in two {@code launch { }} children of {@code runBlocking(Dispatchers.Default)}.
 * Every side has two threads (corun's carriers are set to 2; the others size themselves to
 * the two cores), so the pair may also run in parallel on both: each scheduler decides, and
 * that decision is part of what is measured. One fork per method, so schedulers never share
 * a JVM.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(2 * YieldBenchmark.YIELDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.OPENS, Jvm.HEAP})
public class YieldBenchmark {
    static final int YIELDS = 100_000;

    @Benchmark
    public void javaCorun(CorunState corun) {
        Co.run(() -> {
            for (int c = 0; c < 2; c++) {
                Co.go(() -> {
                    for (int i = 0; i < YIELDS; i++) {
                        Co.yield();
                    }
                });
            }
        });
    }

    @Benchmark
    public void javaDefaultVirtualThreads() throws InterruptedException {
        Runnable body = () -> {
            for (int i = 0; i < YIELDS; i++) {
                Thread.yield();
            }
        };
        Thread a = Thread.ofVirtual().start(body);
        Thread b = Thread.ofVirtual().start(body);
        a.join();
        b.join();
    }

    @Benchmark
    public void kotlinCorun(CorunState corun) {
        KotlinYield.corunYield(YIELDS);
    }

    @Benchmark
    public void kotlinDispatchersDefault() {
        KotlinYield.defaultYield(YIELDS);
    }
}
