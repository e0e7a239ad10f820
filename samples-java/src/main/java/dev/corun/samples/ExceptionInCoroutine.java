package dev.corun.samples;

import dev.corun.Co;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Seed 002, "Traitement des exceptions": an exception must be caught inside the coroutine that
 * throws it; a {@code try/catch} around {@code Co.go(...)} in another coroutine never sees it,
 * because {@code Co.go} returns at once and the body runs on its own. An exception that
 * escapes its coroutine is Swoole's "Fatal error: Uncaught": corun reports it (with the
 * coroutine id and stack) and {@link Co#run} rethrows it when the run has ended.
 */
public final class ExceptionInCoroutine {
    private ExceptionInCoroutine() {}

    /**
     * What the seed's correct example observed: the id of the coroutine that threw and caught
     * the exception, and the exception's message.
     */
    public record Caught(long cid, String message) {}

    /**
     * What the seed's wrong example observed.
     *
     * @param parentCaughtIt whether the {@code catch} around {@code Co.go} in the starting coroutine ran (it never does)
     * @param throwerCid the id of the coroutine that threw
     * @param rethrownByRun the exception {@link Co#run} threw after the run ended
     */
    public record Uncaught(boolean parentCaughtIt, long throwerCid, RuntimeException rethrownByRun) {}

    /**
     * The seed's "exemple correct": the coroutine calls {@code test()}, which throws, and
     * catches the exception itself.
     */
    public static Caught caughtInsideItsCoroutine() {
        AtomicReference<Caught> caught = new AtomicReference<>();
        Co.run(() -> Co.go(() -> {
            try {
                test();
            } catch (RuntimeException e) {
                caught.set(new Caught(Co.getCid(), e.getMessage()));
            }
        }));
        return caught.get();
    }

    /**
     * The seed's "exemple d'erreur": the {@code try/catch} is in the coroutine that calls
     * {@code Co.go}, the {@code throw} in the coroutine it starts. The catch does not run; the
     * runtime reports the uncaught exception on standard error and {@code Co.run} rethrows it.
     */
    public static Uncaught uncaughtCrossesNoCoroutine() {
        AtomicBoolean parentCaughtIt = new AtomicBoolean();
        AtomicLong thrower = new AtomicLong();
        try {
            Co.run(() -> {
                try {
                    Co.go(() -> {
                        thrower.set(Co.getCid());
                        test();
                    });
                } catch (RuntimeException e) {
                    parentCaughtIt.set(true);
                }
            });
        } catch (RuntimeException e) {
            return new Uncaught(parentCaughtIt.get(), thrower.get(), e);
        }
        throw new IllegalStateException("Co.run returned normally although a coroutine threw");
    }

    private static void test() {
        throw new IllegalStateException("thrown by test() in coroutine " + Co.getCid());
    }

    /** Runs the correct example, then the wrong one, and explains what they show. */
    public static void main(String[] args) {
        Caught caught = caughtInsideItsCoroutine();
        System.out.println("Right: coroutine " + caught.cid() + " wrapped test() in try/catch and caught \""
                + caught.message() + "\".");
        System.out.println();
        System.out.println("Wrong: try { Co.go(() -> test()); } catch (...) { ... } in the parent coroutine.");
        System.out.println("The runtime reports the uncaught exception on standard error, with the coroutine id:");
        System.out.flush();
        Uncaught uncaught = uncaughtCrossesNoCoroutine();
        System.err.flush();
        System.out.println("  the parent's catch ran: " + uncaught.parentCaughtIt());
        System.out.println("  Co.run rethrew it once the run had ended: " + uncaught.rethrownByRun());
    }
}
