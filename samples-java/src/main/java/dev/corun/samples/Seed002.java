package dev.corun.samples;

/**
 * Seed 002 in one program: Swoole's coroutine programming rules, shown on corun in order. Run
 * it with {@code java -jar corun-samples-java-*.jar} (the jar's manifest opens
 * {@code java.base/java.lang}, which corun's virtual-thread scheduler needs).
 */
public final class Seed002 {
    private Seed002() {}

    /** Runs the four samples, each under a heading. */
    public static void main(String[] args) {
        System.out.println("corun samples - seed 002: coroutine programming rules");
        Samples.heading(1, "exit() inside a coroutine is a catchable ExitException");
        ExitInCoroutine.main(args);
        Samples.heading(2, "catch an exception inside the coroutine that throws it");
        ExceptionInCoroutine.main(args);
        Samples.heading(3, "no globals for per-request state: use the coroutine's Context");
        GlobalVariableRace.main(args);
        Samples.heading(4, "coroutines waiting on each other forever: the deadlock report");
        DeadlockReport.main(args);
    }
}
