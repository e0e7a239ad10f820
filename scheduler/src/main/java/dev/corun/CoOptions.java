package dev.corun;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings for the runtime, Swoole's {@code Co::set([...])}: only the settings you call are
 * changed by {@link Co#set}, the others keep their values. {@link Co#options()} returns every
 * setting in force.
 *
 * <pre>{@code
 * Co.set(new CoOptions().carriers(4).maxCoroutines(200_000).preemptiveScheduler(true));
 * }</pre>
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>can change after the first coroutine</th></tr>
 *   <tr><td>{@link #carriers}</td><td>available processors</td><td>no</td></tr>
 *   <tr><td>{@link #maxCoroutines}</td><td>100 000</td><td>yes</td></tr>
 *   <tr><td>{@link #preemptiveScheduler}</td><td>off</td><td>yes</td></tr>
 *   <tr><td>{@link #timeSlice}</td><td>10 ms</td><td>yes</td></tr>
 *   <tr><td>{@link #deadlockCheck}</td><td>on</td><td>yes (applies to later runs)</td></tr>
 *   <tr><td>{@link #compensateAfter}</td><td>50 ms</td><td>yes</td></tr>
 *   <tr><td>{@link #maxExtraCarriers}</td><td>256</td><td>yes</td></tr>
 * </table>
 */
public final class CoOptions {
    Integer carriers;
    Integer maxCoroutines;
    Boolean preemptiveScheduler;
    Duration timeSlice;
    Boolean deadlockCheck;
    Duration compensateAfter;
    Integer maxExtraCarriers;

    /** Carrier threads (N of M:N). Fixed once the first coroutine has started. */
    public CoOptions carriers(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("carriers must be at least 1, got " + n);
        }
        this.carriers = n;
        return this;
    }

    /** How many coroutines may be alive at once; starting one more fails with an {@link IllegalStateException}. */
    public CoOptions maxCoroutines(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxCoroutines must be at least 1, got " + n);
        }
        this.maxCoroutines = n;
        return this;
    }

    /**
     * Swoole's {@code enable_preemptive_scheduler}: a coroutine that has held its carrier for
     * longer than {@link #timeSlice} is sent to the back of the global queue at its next yield
     * point ({@link Co#checkpoint()}, a channel push, pop, send or receive, or any wait). Off,
     * a coroutine still gives way at its yield points to coroutines waiting on its own carrier
     * (see {@link Co#checkpoint()}), but is never moved off it.
     */
    public CoOptions preemptiveScheduler(boolean on) {
        this.preemptiveScheduler = on;
        return this;
    }

    /** The time slice of the preemptive scheduler. */
    public CoOptions timeSlice(Duration slice) {
        this.timeSlice = positive(slice, "timeSlice");
        return this;
    }

    /** Whether {@link Co#run} reports a deadlock ({@link DeadlockException}) when every coroutine of the run is asleep. */
    public CoOptions deadlockCheck(boolean on) {
        this.deadlockCheck = on;
        return this;
    }

    /**
     * How long a carrier may be stuck in one task (a blocking call, a pinned virtual thread, a
     * loop without yield points) while other work waits before the monitor starts a temporary
     * extra carrier.
     */
    public CoOptions compensateAfter(Duration threshold) {
        this.compensateAfter = positive(threshold, "compensateAfter");
        return this;
    }

    /** The most temporary carriers alive at once; 0 turns compensation off. */
    public CoOptions maxExtraCarriers(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxExtraCarriers must not be negative, got " + n);
        }
        this.maxExtraCarriers = n;
        return this;
    }

    public int carriers() {
        return carriers;
    }

    public int maxCoroutines() {
        return maxCoroutines;
    }

    public boolean preemptiveScheduler() {
        return preemptiveScheduler;
    }

    public Duration timeSlice() {
        return timeSlice;
    }

    public boolean deadlockCheck() {
        return deadlockCheck;
    }

    public Duration compensateAfter() {
        return compensateAfter;
    }

    public int maxExtraCarriers() {
        return maxExtraCarriers;
    }

    /** Every setting at its default. */
    public static CoOptions defaults() {
        CoOptions o = new CoOptions();
        o.carriers = Runtime.getRuntime().availableProcessors();
        o.maxCoroutines = 100_000;
        o.preemptiveScheduler = false;
        o.timeSlice = Duration.ofMillis(10);
        o.deadlockCheck = true;
        o.compensateAfter = Duration.ofMillis(50);
        o.maxExtraCarriers = 256;
        return o;
    }

    /** A copy of {@code this} with the settings made in {@code changes} applied over it. */
    public CoOptions merge(CoOptions changes) {
        CoOptions o = new CoOptions();
        o.carriers = pick(changes.carriers, carriers);
        o.maxCoroutines = pick(changes.maxCoroutines, maxCoroutines);
        o.preemptiveScheduler = pick(changes.preemptiveScheduler, preemptiveScheduler);
        o.timeSlice = pick(changes.timeSlice, timeSlice);
        o.deadlockCheck = pick(changes.deadlockCheck, deadlockCheck);
        o.compensateAfter = pick(changes.compensateAfter, compensateAfter);
        o.maxExtraCarriers = pick(changes.maxExtraCarriers, maxExtraCarriers);
        return o;
    }

    private static <T> T pick(T change, T current) {
        return change != null ? change : current;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "CoOptions{carriers=" + carriers + ", maxCoroutines=" + maxCoroutines
                + ", preemptiveScheduler=" + preemptiveScheduler + ", timeSlice=" + timeSlice
                + ", deadlockCheck=" + deadlockCheck + ", compensateAfter=" + compensateAfter
                + ", maxExtraCarriers=" + maxExtraCarriers + "}";
    }
}
