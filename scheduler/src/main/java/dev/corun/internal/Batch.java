package dev.corun.internal;

import dev.corun.Co;
import dev.corun.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The engine of {@code Co.batch}, {@code parallel} and {@code map}: one coroutine per call,
 * one join with the timeout, cancellation of what did not finish, and the failures collected
 * inside the coroutines (so they fail the helper's caller, not the surrounding run). At the
 * timeout every unfinished slot is frozen by CAS, so a cancelled call that still returns
 * cannot slip its result in afterwards.
 *
 * @param <V> the calls' result type
 */
public final class Batch<V> {
    /** Marks a slot whose call has not finished. */
    private static final Object PENDING = new Object();
    /** Marks a slot whose call had not finished at the timeout: a result arriving later is dropped. */
    private static final Object TOO_LATE = new Object();

    private final AtomicReferenceArray<Object> values;
    private Throwable failure;

    private Batch(int n) {
        values = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++) {
            values.set(i, PENDING);
        }
    }

    /** Runs the calls, waits at most {@code timeout}, cancels the unfinished, and throws the first failure. */
    public static <V> Batch<V> start(List<? extends Callable<? extends V>> calls, Duration timeout) {
        Batch<V> b = new Batch<>(calls.size());
        long[] cids = new long[calls.size()];
        for (int i = 0; i < cids.length; i++) {
            Callable<? extends V> call = calls.get(i);
            int slot = i;
            cids[i] = Co.go(() -> {
                Object result = null;
                try {
                    result = call.call();
                } catch (Throwable t) {
                    b.fail(t);
                }
                b.values.compareAndSet(slot, PENDING, result);
            });
        }
        if (Co.join(cids, timeout) != Status.OK) {
            for (int i = 0; i < cids.length; i++) {
                if (b.values.compareAndSet(i, PENDING, TOO_LATE)) {
                    Co.cancel(cids[i]);
                }
            }
        }
        b.rethrow();
        return b;
    }

    private synchronized void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        } else {
            failure.addSuppressed(t);
        }
    }

    private synchronized void rethrow() {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new CompletionException(failure);
        }
    }

    /** Whether call {@code i} finished before the timeout. */
    public boolean finished(int i) {
        return values.get(i) != TOO_LATE;
    }

    /** Call {@code i}'s result; null if it did not finish in time or threw. */
    @SuppressWarnings("unchecked")
    public V value(int i) {
        Object v = values.get(i);
        return v == TOO_LATE ? null : (V) v;
    }
}
