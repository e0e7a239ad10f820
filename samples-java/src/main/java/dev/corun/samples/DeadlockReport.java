package dev.corun.samples;

import dev.corun.Co;
import dev.corun.DeadlockException;

/**
 * Seed 002 says coroutines must wait on each other through the runtime (channels, joins)
 * rather than through shared state. corun can then see when they wait on each other in a
 * circle: when every coroutine of a {@link Co#run} is parked on a corun primitive with no
 * timeout and nothing can wake any of them, the run fails with a {@link DeadlockException}
 * whose message is Go's report, {@code all coroutines (count: N) are asleep - deadlock!},
 * followed by each coroutine's id, what it waits on and its stack. Here the main coroutine
 * joins a child that joins the main coroutine.
 */
public final class DeadlockReport {
    private DeadlockReport() {}

    /**
     * Runs a join cycle: the main coroutine {@link Co#join joins} a child, and the child joins
     * the main coroutine. Neither can end before the other.
     *
     * @return the {@link DeadlockException} that {@link Co#run} threw (count 2)
     */
    public static DeadlockException joinCycle() {
        try {
            Co.run(() -> {
                long main = Co.getCid();
                long child = Co.go("child", () -> Co.join(main));
                Co.join(child);
            });
        } catch (DeadlockException e) {
            return e;
        }
        throw new IllegalStateException("Co.run returned normally although its coroutines joined each other");
    }

    /** Runs the cycle and prints the report, leaving out the stack frames that the runtime's log already shows. */
    public static void main(String[] args) {
        System.out.println("The main coroutine joins a child that joins the main coroutine.");
        System.out.println("Co.run notices that both are asleep, logs the full report (with stacks) on standard");
        System.out.println("error and throws DeadlockException:");
        System.out.flush();
        DeadlockException e = joinCycle();
        System.err.flush();
        System.out.println();
        System.out.println("getCount() = " + e.getCount() + "; getMessage() without the stack frames:");
        e.getMessage().lines().filter(line -> !line.startsWith("\tat ")).forEach(System.out::println);
    }
}
