package dev.corun.samples;

import dev.corun.Co;
import dev.corun.channels.Channel;
import dev.corun.channels.Select;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A three-stage pipeline joined by channels, ending in a {@link Select} with a timeout.
 *
 * <ul>
 *   <li>The producer pushes job numbers {@code 1..n} into {@code jobs}, then closes it.</li>
 *   <li>The worker pops jobs until {@code jobs} is closed, "works" on each ({@link Co#sleep}),
 *       pushes its square into {@code results}, and finally pushes {@code "done"} into
 *       {@code quit}. One job stalls for longer than the collector's patience.</li>
 *   <li>The collector, the run's main coroutine, waits on both {@code results} and {@code quit}
 *       with a timeout, and records which clause fired each time: a result, a timeout while
 *       the stalled job runs, then quit.</li>
 * </ul>
 *
 * <p>{@code results} is a rendezvous channel ({@code Channel(0)}): the worker's push of the
 * last square completes only when the collector takes it, so quit always comes after every
 * result.
 */
public final class SelectPipeline {
    /** How long the worker spends on an ordinary job. */
    public static final Duration WORK = Duration.ofMillis(20);
    /** How long the stalled job takes: longer than {@link #PATIENCE}, so the timeout clause fires. */
    public static final Duration STALL = Duration.ofMillis(250);
    /** The collector's select timeout. */
    public static final Duration PATIENCE = Duration.ofMillis(100);

    private SelectPipeline() {}

    /**
     * One firing of the collector's select.
     *
     * @param atMillis milliseconds since the pipeline started
     * @param clause   "results", "quit" or "timeout"
     * @param value    the element received, or the status for a timeout
     */
    public record Event(long atMillis, String clause, Object value) {
        @Override
        public String toString() {
            return String.format("%4d ms  %-8s %s", atMillis, clause, value);
        }
    }

    /**
     * Runs the pipeline.
     *
     * @param n          jobs to produce, {@code 1..n}
     * @param stalledJob the job that takes {@link #STALL} instead of {@link #WORK}
     * @return what the collector's select fired, in order
     */
    public static List<Event> run(int n, int stalledJob) {
        List<Event> events = new ArrayList<>();
        Co.run(() -> {
            long start = System.nanoTime();
            Channel<Integer> jobs = new Channel<>(0);
            Channel<Integer> results = new Channel<>(0);
            Channel<String> quit = new Channel<>(1);

            Co.go("producer", () -> {
                for (int i = 1; i <= n; i++) {
                    jobs.push(i);
                }
                jobs.close();
            });
            Co.go("worker", () -> {
                Integer job;
                while ((job = jobs.pop()) != null) { // null once jobs is closed and drained
                    Co.sleep(job == stalledJob ? STALL : WORK);
                    results.push(job * job);
                }
                quit.push("done");
            });

            while (true) { // the collector
                Select.Fired f = new Select()
                        .receive(results) // clause 0
                        .receive(quit)    // clause 1
                        .await(PATIENCE);
                long at = (System.nanoTime() - start) / 1_000_000;
                switch (f.index()) {
                    case 0 -> events.add(new Event(at, "results", f.value()));
                    case 1 -> events.add(new Event(at, "quit", f.value()));
                    default -> events.add(new Event(at, "timeout", f.status())); // index -1
                }
                if (f.index() == 1) {
                    break;
                }
            }
        });
        return events;
    }

    /** Runs five jobs, the third of which stalls, and prints what the select fired. */
    public static void main(String[] args) {
        System.out.println("producer -> jobs -> worker (squares; job 3 takes " + STALL.toMillis() + " ms) -> results -> collector;");
        System.out.println("the collector selects over results and quit with a " + PATIENCE.toMillis() + " ms timeout:");
        for (Event e : run(5, 3)) {
            System.out.println("  " + e);
        }
    }
}
