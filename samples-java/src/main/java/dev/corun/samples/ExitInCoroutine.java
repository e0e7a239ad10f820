package dev.corun.samples;

import dev.corun.Co;
import dev.corun.ExitException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Seed 002, "Sortir d'une co-routine": {@code exit()} inside a coroutine does not kill the
 * process. {@link Co#exit(int)} throws an {@link ExitException} carrying the status and where
 * exit was called ({@link ExitException#getFlags()} has {@link ExitException#EXIT_IN_COROUTINE},
 * 2). It unwinds the coroutine like any exception, so a {@code catch} higher up the same
 * coroutine can do what {@code exit} would have done; if nothing catches it, {@link Co#run}
 * rethrows it and {@code main} decides what the process does with the status.
 */
public final class ExitInCoroutine {
    private ExitInCoroutine() {}

    /**
     * The seed's "utilisation de base": {@code route()} calls {@code controller()}, which calls
     * {@code yourCode()}, which sleeps and then calls {@code Co.exit(1)}; the coroutine's
     * top-level {@code catch} receives the {@link ExitException}.
     *
     * @return the exception caught inside the coroutine (status 1, flags {@code EXIT_IN_COROUTINE})
     */
    public static ExitException catchExitAtTopOfCoroutine() {
        // The result leaves the run through a local holder, read only after Co.run returned.
        AtomicReference<ExitException> caught = new AtomicReference<>();
        Co.run(() -> {
            try {
                route();
            } catch (ExitException e) {
                caught.set(e);
            }
        });
        return caught.get();
    }

    /**
     * The seed's "sortie avec statut", without its global: nothing in the coroutine catches
     * {@code Co.exit(status)}, so {@link Co#run} rethrows the {@link ExitException} once the run
     * has ended, and the caller reads the status from it.
     *
     * @return the status that {@code Co.run} handed back to its caller
     */
    public static int exitStatusOfRun(int status) {
        try {
            Co.run(() -> Co.exit(status));
        } catch (ExitException e) {
            return e.getStatus();
        }
        throw new IllegalStateException("Co.run returned normally although its coroutine called Co.exit(" + status + ")");
    }

    private static void route() {
        controller();
    }

    private static void controller() {
        yourCode();
    }

    private static void yourCode() {
        Co.sleep(Duration.ofMillis(1));
        Co.exit(1);
    }

    /** Runs both examples and explains what they show. */
    public static void main(String[] args) {
        ExitException e = catchExitAtTopOfCoroutine();
        System.out.println("route() -> controller() -> yourCode() called Co.exit(1) after sleeping 1 ms;");
        System.out.println("the coroutine's own catch received the ExitException:");
        System.out.println("  getMessage()  = \"" + e.getMessage() + "\"");
        System.out.println("  getStatus()   = " + e.getStatus() + "    (== 1: " + (e.getStatus() == 1) + ")");
        System.out.println("  getFlags()    = " + e.getFlags() + "    (== EXIT_IN_COROUTINE: "
                + (e.getFlags() == ExitException.EXIT_IN_COROUTINE) + ")");
        System.out.println("The process is still alive: exit() only unwound the coroutine.");
        System.out.println();
        int status = exitStatusOfRun(123);
        System.out.println("Co.run(() -> Co.exit(123)) with nobody catching it: Co.run rethrew the ExitException,");
        System.out.println("and main read getStatus() = " + status + " from it (it could pass it to System.exit).");
    }
}
