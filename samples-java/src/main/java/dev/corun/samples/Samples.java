package dev.corun.samples;

/**
 * The runnable jar's entry point: {@link Seed002} (coroutine programming rules), then
 * {@link Seed001} (concurrent calls with channels). An argument {@code 001} or {@code 002} runs
 * only that one.
 */
public final class Samples {
    private Samples() {}

    public static void main(String[] args) {
        String only = args.length > 0 ? args[0] : "";
        if (!only.equals("001")) {
            Seed002.main(new String[0]);
        }
        if (!only.equals("002")) {
            if (only.isEmpty()) {
                System.out.println();
                System.out.println();
            }
            Seed001.main(new String[0]);
        }
    }

    /** Prints a numbered section heading, after whatever the previous section wrote. */
    static void heading(int n, String title) {
        System.out.flush();
        System.err.flush();
        System.out.println();
        System.out.println("=== " + n + ". " + title + " ===");
        System.out.println();
    }
}
