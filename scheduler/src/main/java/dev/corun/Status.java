package dev.corun;

/**
 * How a wait ended: the result of every corun call that can time out or be cancelled
 * ({@link Co#sleep}, {@link Co#join}, and the channel operations). Unlike Swoole's
 * {@code false} plus {@code errCode}, the outcome is a value of its own, so it cannot be
 * confused with a result and cannot be overwritten by another coroutine's call.
 *
 * <pre>{@code
 * Status s = Co.join(new long[] {cid}, Duration.ofSeconds(1));
 * if (s == Status.TIMEOUT) { ... }
 * }</pre>
 */
public enum Status {
    /** The wait ended because what it waited for happened. Swoole code 0. */
    OK(0),
    /** The timeout passed first. Swoole {@code SWOOLE_CHANNEL_TIMEOUT}, -1. */
    TIMEOUT(-1),
    /** The channel was closed. Swoole {@code SWOOLE_CHANNEL_CLOSED}, -2. */
    CLOSED(-2),
    /** The coroutine was cancelled with {@link Co#cancel}. Swoole {@code SWOOLE_CHANNEL_CANCELED}, -3. */
    CANCELED(-3);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** Swoole's numeric {@code errCode} for this outcome: 0, -1, -2 or -3. */
    public int code() {
        return code;
    }
}
