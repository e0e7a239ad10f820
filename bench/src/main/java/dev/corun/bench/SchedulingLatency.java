package dev.corun.bench;

import dev.corun.Co;
import dev.corun.CoOptions;
import dev.corun.CoStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Scheduling latency under CPU hogs: on 2 carriers, 2 coroutines spin in a CPU loop calling a
 * yield point every iteration ({@code Co.checkpoint()} in Java, the suspend
 * {@code checkpoint()} in Kotlin) while one more coroutine sleeps 1 ms in a loop
 * ({@code Co.sleep} / {@code coSleep}) and records its lateness: the time it woke minus the
 * time it asked to wake. Every carrier is busy, so the sleeper runs again only when the
 * preemptive scheduler moves a spinner out at a checkpoint, or when compensation starts an
 * extra carrier for a carrier stuck in one task past {@code compensateAfter}.
 *
 * <p>Configurations: Java or Kotlin, preemptive scheduler on or off (time slice 10 ms, the
 * default), compensation on (the default, at most 256 extra carriers after 50 ms) or off
 * ({@code maxExtraCarriers(0)}, which isolates what preemption does). Each runs in its own
 * JVM, since carriers are fixed when the runtime starts, for {@value #WARM_UP_MILLIS} ms of
 * warm-up (discarded) and then the measured seconds. A control run with no spinner shows the
 * lateness the machine itself adds (timer thread, OS scheduling of a shared 2-core box).
 *
 * <p>Usage: {@code SchedulingLatency [seconds]} runs the control and all eight configurations
 * (default 5 s each) in child JVMs; {@code SchedulingLatency java|kotlin on|off on|off SECONDS
 * SPINNERS} runs one (side, preemptive scheduler, compensation, duration, spinners).
 */
public final class SchedulingLatency {
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WARM_UP_MILLIS = 1_000;
    private static final int SPINNERS = 2;
    private static final int WORK_STEPS = 64;
    @SuppressWarnings("unused") private static volatile long sink;

    private SchedulingLatency() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 5) {
            measure(args[0], on(args[1]), on(args[2]), Long.parseLong(args[3]), Integer.parseInt(args[4]));
            return;
        }
        String seconds = args.length == 1 ? args[0] : "5";
        List<List<String>> configs = new ArrayList<>();
        configs.add(List.of("java", "off", "off", seconds, "0"));
        for (String side : List.of("java", "kotlin")) {
            for (String preempt : List.of("on", "off")) {
                for (String compensate : List.of("on", "off")) {
                    configs.add(List.of(side, preempt, compensate, seconds, Integer.toString(SPINNERS)));
                }
            }
        }
        for (List<String> config : configs) {
            int exit = Jvm.runChild(SchedulingLatency.class, config);
            if (exit != 0) {
                throw new IllegalStateException(config + " failed with exit code " + exit);
            }
        }
    }

    private static boolean on(String flag) {
        return switch (flag) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("expected on or off, got " + flag);
        };
    }

    private static void measure(String side, boolean preempt, boolean compensate, long seconds, int spinners) {
        Co.set(new CoOptions().carriers(CorunState.CARRIERS).preemptiveScheduler(preempt)
                .maxExtraCarriers(compensate ? CoOptions.defaults().maxExtraCarriers() : 0));
        long warmUp = TimeUnit.MILLISECONDS.toNanos(WARM_UP_MILLIS);
        long measured = TimeUnit.SECONDS.toNanos(seconds);
        boolean java = switch (side) {
            case "java" -> true;
            case "kotlin" -> false;
            default -> throw new IllegalArgumentException("expected java or kotlin, got " + side);
        };
        if (java) {
            CorunState.requireCustomScheduler();
        }
        lateness(java, warmUp, spinners);
        CoStats before = Co.stats();
        long[] lateness = lateness(java, measured, spinners);
        CoStats after = Co.stats();

        int maxAt = 0;
        for (int i = 1; i < lateness.length; i++) {
            if (lateness[i] > lateness[maxAt]) {
                maxAt = i;
            }
        }
        long max = lateness.length == 0 ? -1 : lateness[maxAt];
        Arrays.sort(lateness);
        System.out.printf("%-6s spinners=%d preemptive=%-3s compensation=%-3s  wake-ups=%5d  lateness p50=%s p99=%s max=%s"
                        + " (wake-up #%d)  [preemptions %d, extra carriers started %d; java %s]%n",
                side, spinners, preempt ? "on" : "off", compensate ? "on" : "off", lateness.length,
                millis(percentile(lateness, 0.50)), millis(percentile(lateness, 0.99)), millis(max), maxAt + 1,
                after.preemptions() - before.preemptions(),
                after.extraCarriersStarted() - before.extraCarriersStarted(), Runtime.version());
    }

    private static long[] lateness(boolean java, long durationNanos, int spinners) {
        return java ? javaLateness(durationNanos, spinners) : KotlinLatency.corunLateness(durationNanos, spinners);
    }

    /** The Java run: spinning coroutines and the main coroutine sleeping 1 ms at a time until {@code durationNanos} have passed. */
    private static long[] javaLateness(long durationNanos, int spinners) {
        long end = System.nanoTime() + durationNanos;
        long[] samples = new long[(int) (durationNanos / PERIOD_NANOS) + 1];
        int[] count = {0};
        Duration period = Duration.ofNanos(PERIOD_NANOS);
        Co.run(() -> {
            for (int i = 0; i < spinners; i++) {
                Co.go(() -> {
                    long x = end;
                    while (System.nanoTime() < end) {
                        x = work(x);
                        Co.checkpoint();
                    }
                    consume(x);
                });
            }
            while (System.nanoTime() < end) {
                long intended = System.nanoTime() + PERIOD_NANOS;
                Co.sleep(period);
                samples[count[0]++] = System.nanoTime() - intended;
            }
        });
        return Arrays.copyOf(samples, count[0]);
    }

    /** One iteration of a spinner's CPU loop: a few xorshift steps, some tens of nanoseconds. */
    static long work(long x) {
        for (int i = 0; i < WORK_STEPS; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** Keeps a spinner's result alive so its loop is not optimised away. */
    static void consume(long x) {
        sink = x;
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "n/a" : String.format("%.2f ms", nanos / 1e6);
    }
}
