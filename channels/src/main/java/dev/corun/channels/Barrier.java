package dev.corun.channels;

import dev.corun.Co;
import dev.corun.CoRunnable;
import dev.corun.Status;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Swoole's {@code Coroutine\Barrier}: a parent waits until every child it registered has
 * finished. Swoole releases the barrier when the last reference to it dies; the JVM has no
 * reference counting, so each child holds an explicit {@link Ticket} and closes it when done
 * (try-with-resources), or is started with {@link #go}, which does that for it.
 *
 * <pre>{@code
 * Barrier barrier = new Barrier();
 * for (String url : urls) {
 *     barrier.go(() -> results.put(url, fetch(url)));
 * }
 * barrier.await(Duration.ofSeconds(5));
 * }</pre>
 */
public class Barrier {
    private final WaitGroup group = new WaitGroup();

    /** One child's hold on the barrier: closing it (once; later closes do nothing) lets the barrier go. */
    public final class Ticket implements AutoCloseable {
        private final AtomicBoolean closed = new AtomicBoolean();

        private Ticket() {}

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                group.done();
            }
        }
    }

    /** Registers one child; the barrier holds until the returned ticket is closed. */
    public Ticket register() {
        group.add();
        return new Ticket();
    }

    /** Starts {@code body} as a coroutine holding a ticket, closed when it ends however it ends; returns its id. */
    public long go(CoRunnable body) {
        Ticket t = register();
        try {
            return Co.go(() -> {
                try (t) {
                    body.run();
                }
            });
        } catch (RuntimeException e) {
            t.close(); // the coroutine did not start (e.g. the coroutine limit)
            throw e;
        }
    }

    /** Children registered and not yet finished. */
    public int pending() {
        return group.count();
    }

    /** Waits until every registered child has finished: OK, or CANCELED. */
    public Status await() {
        return group.await();
    }

    /** Waits at most {@code timeout} until every registered child has finished: OK, TIMEOUT or CANCELED. */
    public Status await(Duration timeout) {
        return group.await(timeout);
    }

    /** The group behind the barrier, for the Kotlin suspend forms. */
    WaitGroup group() {
        return group;
    }
}
