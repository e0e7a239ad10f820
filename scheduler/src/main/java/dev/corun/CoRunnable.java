package dev.corun;

/**
 * The body of a coroutine. Unlike {@link Runnable} it may throw checked exceptions: what it
 * throws is reported with the coroutine's id and makes {@link Co#run} fail; it never reaches
 * another coroutine.
 *
 * <pre>{@code
 * Co.go(() -> Files.readString(path)); // IOException allowed
 * }</pre>
 */
@FunctionalInterface
public interface CoRunnable {
    void run() throws Exception;
}
