package dev.corun.bench;

/**
 * CPU work a producer does before it sends an element, for the fan-ins whose producers compute
 * ({@link ChannelFanInWorkBenchmark}): a dependent chain of xorshift rounds, about a nanosecond
 * each on this machine, that the JIT cannot fold away because the element sent depends on it.
 */
final class Work {
    private static final Integer ONE = 1;

    private Work() {
    }

    /** Runs {@code rounds} xorshift rounds from {@code seed} and returns the element 1 (never null). */
    static Integer one(int rounds, long seed) {
        long x = seed | 1;
        for (int i = 0; i < rounds; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x != 0 ? ONE : null; // xorshift never reaches 0 from a non-zero seed
    }
}
