package dev.corun.server;

/**
 * The outcome of one task: its value, or why there is none. Given to finish handlers and
 * returned by {@code taskwait}, {@code taskWaitMulti} and {@code taskCo}, one per task, so a
 * timed-out or failed slot is reported rather than silently dropped.
 *
 * <pre>{@code
 * TaskResult r = server.taskwait("job", Duration.ofMillis(500));
 * if (r.isOk()) use(r.value()); else log(r.outcome() + ": " + r.failure());
 * }</pre>
 *
 * @param taskId  the task's id, unique per server
 * @param outcome what happened
 * @param value   the task's result (null unless OK; may be null when OK)
 * @param failure what the task threw (FAILED), or why it was cancelled (CANCELED); else null
 */
public record TaskResult(long taskId, Outcome outcome, Object value, Throwable failure) {

    /** What happened to a task. Codes follow corun's {@code Status} where they mean the same. */
    public enum Outcome {
        /** The task returned or called {@code finish}. */
        OK(0),
        /** The waiter's timeout passed first (the task may still run; its result is dropped for this waiter). */
        TIMEOUT(-1),
        /** The server shut down before the task finished, or the waiting coroutine was cancelled. */
        CANCELED(-3),
        /** The task handler threw ({@link #failure()}). */
        FAILED(-4);

        private final int code;

        Outcome(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    public static TaskResult ok(long id, Object value) {
        return new TaskResult(id, Outcome.OK, value, null);
    }

    public static TaskResult failed(long id, Throwable t) {
        return new TaskResult(id, Outcome.FAILED, null, t);
    }

    public static TaskResult timeout(long id) {
        return new TaskResult(id, Outcome.TIMEOUT, null, null);
    }

    public static TaskResult canceled(long id, String why) {
        return new TaskResult(id, Outcome.CANCELED, null, new java.util.concurrent.CancellationException(why));
    }
}
