package dev.corun.server.internal;

import dev.corun.Co;
import dev.corun.internal.CorunRuntime;
import java.time.Duration;
import java.util.Collection;
import java.util.function.BooleanSupplier;

/**
 * The send timeout of a TCP server: one coroutine per server that looks at its connections a few
 * times per timeout and resets each one whose write has made no progress for the whole timeout
 * (the peer stopped reading and both socket buffers are full).
 *
 * <p>A blocking socket write has no timeout of its own; a per-write timer would cost every send.
 * Here a send costs two volatile stores ({@link Connection#write} marks when the piece in progress
 * started) and the server pays one sweep over its connections per period. The reset wakes the
 * blocked writer with an exception, so its {@code send} returns false, and the reader delivers
 * the close event. A stall is caught between one and 1.25 timeouts after it began.
 */
public final class SendWatchdog {
    private static final System.Logger LOG = System.getLogger("dev.corun.server");

    private SendWatchdog() {
    }

    /**
     * Starts the watchdog coroutine; it ends once {@code running} answers false.
     *
     * @param connections the server's live connections (a concurrent view)
     */
    public static void start(String name, Duration timeout, Collection<Connection> connections, BooleanSupplier running) {
        long timeoutNanos = timeout.toNanos();
        Duration period = Duration.ofNanos(Math.max(timeoutNanos / 4, Duration.ofMillis(10).toNanos()));
        CorunRuntime.get().go(name, () -> {
            while (running.getAsBoolean()) {
                Co.sleep(period);
                long stalledBefore = System.nanoTime() - timeoutNanos;
                for (Connection c : connections) {
                    if (c.writeStalledSince(stalledBefore)) {
                        LOG.log(System.Logger.Level.INFO, "connection " + c.fd + " (" + c.remote()
                                + "): the peer accepted no data for " + timeout.toMillis() + " ms; resetting it");
                        c.reset();
                    }
                }
            }
        });
    }
}
