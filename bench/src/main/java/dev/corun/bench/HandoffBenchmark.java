package dev.corun.bench;

import dev.corun.Co;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Park/unpark handoff: two Java coroutines pass a turn back and forth {@value #ROUNDS} times
 * with {@link LockSupport#park} and {@link LockSupport#unpark}, never spinning. The score is
 * the time per round trip (two handoffs): what every channel or lock handoff between two
 * coroutines costs at least.
 *
 * <p>The same {@link Baton} code runs in two corun coroutines of one {@code Co.run} and in
 * two virtual threads on the JDK's default scheduler; both schedulers have two threads (corun's
 * carriers set to 2, the JDK's sized to the two cores), and where the woken coroutine runs
 * (the waker's carrier or the other) is each scheduler's choice. One fork per method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(HandoffBenchmark.ROUNDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.OPENS, Jvm.HEAP})
public class HandoffBenchmark {
    static final int ROUNDS = 100_000;

    /**
     * A turn shared by players 0 and 1. A player publishes its thread before reading the
     * turn, and hands over by writing the turn before reading the partner's thread (both
     * volatile), so either the partner sees its turn before parking or the hander sees the
     * partner's thread and unparks it: no wake-up is lost.
     */
    static final class Baton {
        private volatile int turn;
        private volatile Thread player0;
        private volatile Thread player1;

        void play(int me, int rounds) {
            if (me == 0) {
                player0 = Thread.currentThread();
            } else {
                player1 = Thread.currentThread();
            }
            for (int i = 0; i < rounds; i++) {
                while (turn != me) {
                    LockSupport.park(this);
                }
                turn = 1 - me;
                Thread partner = me == 0 ? player1 : player0;
                if (partner != null) {
                    LockSupport.unpark(partner);
                }
            }
        }
    }

    @Benchmark
    public void javaCorun(CorunState corun) {
        Baton baton = new Baton();
        Co.run(() -> {
            Co.go(() -> baton.play(0, ROUNDS));
            Co.go(() -> baton.play(1, ROUNDS));
        });
    }

    @Benchmark
    public void javaDefaultVirtualThreads() throws InterruptedException {
        Baton baton = new Baton();
        Thread a = Thread.ofVirtual().start(() -> baton.play(0, ROUNDS));
        Thread b = Thread.ofVirtual().start(() -> baton.play(1, ROUNDS));
        a.join();
        b.join();
    }
}
