package dev.corun.bench;

import dev.corun.Co;
import dev.corun.CoOptions;
import dev.corun.CoStats;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The corun runtime of one benchmark fork, taken as a parameter by the corun side of each
 * benchmark only, so the other side's fork never starts corun's carriers.
 *
 * <p>Setup fixes the carriers at {@code carriers}: 2, the machine's core count, as the JDK's
 * default scheduler and {@code Dispatchers.Default} use, unless {@code -p carriers=N} says
 * otherwise (1 shows what a benchmark costs without cross-core traffic, section 12 of
 * BENCHMARKS.md). It raises {@code maxCoroutines} so a million coroutines may be alive at once,
 * and checks that Java coroutines really run on corun's carriers: without
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} corun falls back to the JDK's default
 * scheduler, and the corun figures would be the JDK's.
 *
 * <p>Each corun benchmark runs twice: with compensation as shipped ({@code maxExtraCarriers}
 * 256, the default) and with it off (0), because the monitor starts extra carriers while one
 * coroutine runs a long loop (such as a spawning loop) and that changes the figures; the
 * pair shows by how much.
 */
@State(Scope.Benchmark)
public class CorunState {
    /** The machine's cores: the carriers of the benchmarks that take no {@code carriers} parameter. */
    static final int CARRIERS = 2;
    static final int MAX_COROUTINES = 2_000_000;

    /** corun's bound on temporary carriers: 256 is the default, 0 turns compensation off. */
    @Param({"256", "0"})
    public int maxExtraCarriers;

    /** corun's carriers: the machine's 2 cores. */
    @Param({"2"})
    public int carriers;

    @Setup(Level.Trial)
    public void start() {
        Co.set(new CoOptions().carriers(carriers).maxCoroutines(MAX_COROUTINES).maxExtraCarriers(maxExtraCarriers));
        requireCustomScheduler();
    }

    /** Fails unless a Java coroutine's virtual thread runs as a task of corun's carriers. */
    static void requireCustomScheduler() {
        long before = tasksRun();
        Co.run(() -> { });
        if (tasksRun() == before) {
            throw new IllegalStateException("Java coroutines are not running on corun's carriers; "
                    + "start the JVM with " + Jvm.OPENS);
        }
    }

    private static long tasksRun() {
        return Co.stats().carriers().stream().mapToLong(CoStats.Carrier::tasksRun).sum();
    }
}
