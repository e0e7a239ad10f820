package dev.corun.bench;

import dev.corun.Co;
import java.util.concurrent.CountDownLatch;
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
 * Spawn-and-join: start {@value #COROUTINES} coroutines that do nothing and wait until all of
 * them have ended. The score is the time per coroutine (start, schedule, run, end, count down).
 *
 * <p>Each side uses what its users would write, spawning from inside one coroutine and
 * waiting from the benchmark thread:
 * <ul>
 *   <li>Java: corun's {@code Co.run(() -> { for (...) Co.go(body); })}, which waits for every
 *       coroutine of the run, against virtual threads on the JDK's default scheduler started
 *       from one virtual thread, waited for with a {@link CountDownLatch} (one atomic
 *       decrement per thread, as corun's run count is).</li>
 *   <li>Kotlin: {@code corun { repeat(n) { go { } } }} against
 *       {@code runBlocking(Dispatchers.Default) { repeat(n) { launch { } } }}; both block the
 *       caller until every coroutine ended. {@code launch} also links each child to its
 *       parent's job, which is structured concurrency's price; corun's {@code go} is not a
 *       child and is counted by the run instead (see {@code KotlinSpawn.kt}).</li>
 * </ul>
 * Each benchmark method runs in its own fork, so the JDK's scheduler, corun's carriers and
 * {@code Dispatchers.Default} never share a JVM. All get two threads: corun's carriers are set
 * to 2, and the other two size themselves to the two cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SpawnJoinBenchmark.COROUTINES)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.OPENS, Jvm.HEAP})
public class SpawnJoinBenchmark {
    static final int COROUTINES = 1_000_000;

    @Benchmark
    public void javaCorun(CorunState corun) {
        Co.run(() -> {
            for (int i = 0; i < COROUTINES; i++) {
                Co.go(() -> { });
            }
        });
    }

    @Benchmark
    public void javaDefaultVirtualThreads() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(COROUTINES);
        Thread.ofVirtual().start(() -> {
            Thread.Builder.OfVirtual builder = Thread.ofVirtual();
            for (int i = 0; i < COROUTINES; i++) {
                builder.start(done::countDown);
            }
        });
        done.await();
    }

    @Benchmark
    public void kotlinCorun(CorunState corun) {
        KotlinSpawn.corunGo(COROUTINES);
    }

    @Benchmark
    public void kotlinDispatchersDefault() {
        KotlinSpawn.defaultLaunch(COROUTINES);
    }
}
