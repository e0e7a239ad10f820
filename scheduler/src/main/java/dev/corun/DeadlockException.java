package dev.corun;

/**
 * {@link Co#run} (or Kotlin's {@code corun}) found every coroutine of the run parked on a corun
 * primitive with no timeout, with nothing left that could wake any of them: Go's
 * {@code all goroutines are asleep - deadlock!}. The message carries the report: the count, and
 * each coroutine's id, what it waits on and its stack. The coroutines of the run are cancelled.
 *
 * <pre>{@code
 * try {
 *     Co.run(() -> Co.join(new long[] {Co.go(() -> Co.join(new long[] {1}, null))}, null));
 * } catch (DeadlockException e) {
 *     System.err.println(e.getMessage()); // all coroutines (count: 2) are asleep - deadlock! ...
 * }
 * }</pre>
 */
public class DeadlockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int count;

    public DeadlockException(int count, String report) {
        super(report);
        this.count = count;
    }

    /** How many coroutines were asleep. */
    public int getCount() {
        return count;
    }
}
