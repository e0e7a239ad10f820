package dev.corun.bench;

import dev.corun.Co;
import dev.corun.CoOptions;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.management.ObjectName;
import kotlinx.coroutines.CoroutineScope;

/**
 * Heap bytes retained per parked coroutine: parks {@code n} coroutines of one kind that never
 * wake, then divides the growth of the used heap (after forced full GCs) by {@code n}, and
 * attributes that growth to classes with two class histograms (before and after), so the bytes
 * can be traced to the objects a parked coroutine keeps.
 *
 * <p>The kinds, each in its own JVM (same java, flags and {@value Jvm#HEAP} heap):
 * <ul>
 *   <li>{@code java-corun}: {@code Co.go(() -> { for (;;) LockSupport.park(); })};</li>
 *   <li>{@code java-vt}: {@code Thread.ofVirtual().start(same body)} on the JDK's default
 *       scheduler. An unreferenced parked virtual thread may be collected, so the threads are
 *       held in an array allocated before the baseline (its 4 bytes a thread are not counted;
 *       corun's table slot, which does the same job, is);</li>
 *   <li>{@code kotlin-corun}: {@code go { suspendCancellableCoroutine { } }} on corun;</li>
 *   <li>{@code kotlin-default}: {@code scope.launch { suspendCancellableCoroutine { } }} on
 *       {@code Dispatchers.Default}, children of one scope's job (which holds them).</li>
 * </ul>
 * Before the baseline, {@value #WARM} coroutines of the same kind are parked, so that classes,
 * carriers, worker threads and queues exist already and only per-coroutine bytes are counted,
 * and so that the JIT has compiled the path to the park: a virtual thread's frames are copied
 * to its stack chunk as they are when it parks, and interpreted frames are several times
 * larger than compiled ones (with 1,000 warm-up coroutines, 100,000 parked Java coroutines
 * kept 1,200-1,360 B each instead of about 700 B).
 *
 * <p>Usage: {@code ParkedFootprint [counts]} runs every kind for each count (default
 * {@code 100000,1000000}) in child JVMs; {@code ParkedFootprint KIND COUNT} measures one.
 */
public final class ParkedFootprint {
    private static final int WARM = 20_000;
    private static final List<String> KINDS = List.of("java-corun", "java-vt", "kotlin-corun", "kotlin-default");
    private static final int TOP_CLASSES = 12;

    private ParkedFootprint() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            measure(args[0], Integer.parseInt(args[1]));
            return;
        }
        String counts = args.length == 1 ? args[0] : "100000,1000000";
        for (String count : counts.split(",")) {
            for (String kind : KINDS) {
                int exit = Jvm.runChild(ParkedFootprint.class, List.of(kind, count));
                if (exit != 0) {
                    throw new IllegalStateException(kind + " " + count + " failed with exit code " + exit);
                }
            }
        }
    }

    private static void measure(String kind, int n) throws Exception {
        AtomicInteger parked = new AtomicInteger();
        Parker parker = parker(kind, n + WARM);
        parker.park(WARM, parked);
        awaitParked(parked, WARM);

        Map<String, long[]> before = histogram();
        long base = usedHeapAfterGc();
        parker.park(n, parked);
        awaitParked(parked, WARM + n);
        Map<String, long[]> after = histogram();
        long used = usedHeapAfterGc();

        report(kind, n, used - base, before, after);
    }

    /** Parks coroutines of one kind; each counts itself in {@code parked} just before parking. */
    private interface Parker {
        void park(int n, AtomicInteger parked);
    }

    private static Parker parker(String kind, int total) {
        return switch (kind) {
            case "java-corun" -> {
                Co.set(new CoOptions().carriers(CorunState.CARRIERS).maxCoroutines(total));
                CorunState.requireCustomScheduler();
                yield (n, parked) -> {
                    for (int i = 0; i < n; i++) {
                        Co.go(() -> parkForever(parked));
                    }
                };
            }
            case "java-vt" -> {
                Thread[] threads = new Thread[total];
                int[] next = {0};
                yield (n, parked) -> {
                    for (int i = 0; i < n; i++) {
                        threads[next[0]++] = Thread.ofVirtual().start(() -> parkForever(parked));
                    }
                };
            }
            case "kotlin-corun" -> {
                Co.set(new CoOptions().carriers(CorunState.CARRIERS).maxCoroutines(total));
                yield (n, parked) -> KotlinParked.corunSuspendForever(n, parked);
            }
            case "kotlin-default" -> {
                CoroutineScope scope = KotlinParked.defaultScope();
                yield (n, parked) -> KotlinParked.defaultSuspendForever(scope, n, parked);
            }
            default -> throw new IllegalArgumentException("unknown kind " + kind + "; one of " + KINDS);
        };
    }

    private static void parkForever(AtomicInteger parked) {
        parked.incrementAndGet();
        for (;;) {
            LockSupport.park();
        }
    }

    /** Waits until {@code expected} coroutines counted themselves, then a little more for the last ones to unmount. */
    private static void awaitParked(AtomicInteger parked, int expected) throws InterruptedException {
        while (parked.get() < expected) {
            Thread.sleep(10);
        }
        Thread.sleep(500);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Live objects by class, {instances, bytes}, from the JVM's own class histogram (it runs a full GC first). */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return byClass;
    }

    private static void report(String kind, int n, long heapGrowth, Map<String, long[]> before, Map<String, long[]> after) {
        List<String[]> rows = new ArrayList<>();
        long histogramGrowth = 0;
        for (var e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[1] - b[1];
            histogramGrowth += bytes;
            if (bytes > 0) {
                rows.add(new String[] {e.getKey(), Long.toString(bytes), Long.toString(e.getValue()[0] - b[0])});
            }
        }
        for (var e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                histogramGrowth -= e.getValue()[1];
            }
        }
        rows.sort((x, y) -> Long.compare(Long.parseLong(y[1]), Long.parseLong(x[1])));
        System.out.printf("%-15s n=%,d  used heap: %.1f B/coroutine  class histogram: %.1f B/coroutine  (java %s)%n",
                kind, n, (double) heapGrowth / n, (double) histogramGrowth / n, Runtime.version());
        for (String[] r : rows.subList(0, Math.min(TOP_CLASSES, rows.size()))) {
            System.out.printf("    %8.1f B  %6.2f objects/coroutine  %s%n",
                    Double.parseDouble(r[1]) / n, Double.parseDouble(r[2]) / n, r[0]);
        }
    }
}
