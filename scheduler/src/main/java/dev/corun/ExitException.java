package dev.corun;

/**
 * Thrown by {@link Co#exit(int)}: Swoole's {@code exit()} inside a coroutine. It unwinds the
 * coroutine (running its {@link Co#defer defers}) and can be caught like any exception; if
 * nothing catches it, {@link Co#run} rethrows it, so {@code main} can turn it into a process
 * exit status.
 *
 * <pre>{@code
 * try {
 *     Co.exit(3);
 * } catch (ExitException e) {
 *     assert e.getStatus() == 3 && (e.getFlags() & ExitException.EXIT_IN_COROUTINE) != 0;
 * }
 * }</pre>
 */
public class ExitException extends RuntimeException {
    /** Set when exit was called inside a coroutine. Swoole's {@code SWOOLE_EXIT_IN_COROUTINE}. */
    public static final int EXIT_IN_COROUTINE = 2;
    /** Set when exit was called inside a server's request or event handler. Swoole's {@code SWOOLE_EXIT_IN_SERVER}. */
    public static final int EXIT_IN_SERVER = 4;

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int flags;

    public ExitException(int status, int flags) {
        super("exit(" + status + ") called in a coroutine", null, false, true);
        this.status = status;
        this.flags = flags;
    }

    /** The status passed to {@link Co#exit(int)}. */
    public int getStatus() {
        return status;
    }

    /** Where exit was called: a bit set of {@link #EXIT_IN_COROUTINE} and {@link #EXIT_IN_SERVER}. */
    public int getFlags() {
        return flags;
    }
}
