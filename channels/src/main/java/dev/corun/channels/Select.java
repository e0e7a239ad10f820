package dev.corun.channels;

import dev.corun.Status;
import dev.corun.internal.Blocking;
import dev.corun.internal.ThreadWaiter;
import dev.corun.internal.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Waits on several channel operations at once and performs exactly one (Go's {@code select},
 * Swoole's {@code Channel::select}). Build the clauses, then {@link #await} blocks until one
 * can proceed and returns which one fired; a zero timeout is Go's {@code default} clause.
 * Kotlin coroutines use the suspend {@code select { }} DSL instead.
 *
 * <pre>{@code
 * Select.Fired f = new Select()
 *         .receive(results)          // clause 0
 *         .receive(errors)           // clause 1
 *         .send(log, "waiting")      // clause 2
 *         .await(Duration.ofSeconds(1));
 * switch (f.index()) {
 *     case 0 -> handle(f.value());
 *     case 1 -> fail(f.value());
 *     case 2 -> { }                  // "waiting" was sent
 *     default -> timedOut(f.status()); // -1: TIMEOUT or CANCELED
 * }
 * }</pre>
 *
 * <p>A {@code Select} keeps its clauses and can be awaited again, e.g. in a loop.
 *
 * <p>Clauses are tried in the order they were added, so an earlier clause wins when several are
 * ready at once (like kotlinx's {@code select}). A receive clause on a closed, drained channel
 * fires with status CLOSED; so does a send clause on a closed channel.
 *
 * <p>How exactly one fires: each clause waits in its channel's queue as its own waiter, whose
 * claim is the claim of the select's single waiter, so the first channel to claim any clause
 * wins and every other claim fails. When a channel is already ready while the clauses are being
 * registered, it makes that claim before taking or giving anything.
 */
public final class Select {
    private final List<Channel<?>> channels = new ArrayList<>();
    private final List<Object> sends = new ArrayList<>(); // null for a receive clause

    /** Adds a clause that receives from {@code channel}. */
    public Select receive(Channel<?> channel) {
        channels.add(Objects.requireNonNull(channel, "channel"));
        sends.add(null);
        return this;
    }

    /** Adds a clause that sends {@code element} to {@code channel}. */
    public <T> Select send(Channel<T> channel, T element) {
        channels.add(Objects.requireNonNull(channel, "channel"));
        sends.add(Objects.requireNonNull(element, "Channel elements must not be null"));
        return this;
    }

    /** Waits until one clause fires (null or negative timeout: forever; zero: do not wait). */
    public Fired await(Duration timeout) {
        if (channels.isEmpty()) {
            throw new IllegalStateException("select needs at least one clause");
        }
        Blocking.check("Select.await()", "select { }");
        long nanos = Channel.nanos(timeout);
        ThreadWaiter main = new ThreadWaiter("Select.await(" + channels.size() + " channels)");
        Registered reg = register(main, nanos != 0);
        if (!reg.firedNow() && !main.isCompleted()) {
            if (nanos == 0) {
                main.complete(Status.TIMEOUT, null);
            } else {
                main.await(nanos);
            }
        }
        return finish(main, reg.queued());
    }

    /** Waits with no timeout until one clause fires. */
    public Fired await() {
        return await(null);
    }

    /**
     * What {@link #register} did.
     *
     * @param queued   the clauses left in channels' queues (null where none), to forget afterwards
     * @param firedNow a clause fired during registration: the caller completed the wait itself, and nobody else wakes it
     */
    record Registered(Clause[] queued, boolean firedNow) {}

    /**
     * Registers every clause for {@code main}, stopping once it is completed; without
     * {@code queue}, clauses that are not ready are not left queued (a poll).
     */
    Registered register(Waiter main, boolean queue) {
        Clause[] clauses = new Clause[channels.size()];
        boolean firedNow = false;
        for (int i = 0; i < clauses.length && !main.isCompleted(); i++) {
            Clause c = new Clause(main, i);
            Channel<?> ch = channels.get(i);
            Object element = sends.get(i);
            Channel.Registration r = element == null ? ch.registerReceive(c) : ch.registerSend(c, element);
            if (r == Channel.Registration.FIRED) {
                firedNow = true;
            } else if (r == Channel.Registration.QUEUED) {
                clauses[i] = c;
                if (!queue) {
                    ch.forget(c);
                }
            }
        }
        return new Registered(clauses, firedNow);
    }

    /** After the wait: leaves every channel's queue and reports the clause that fired. */
    Fired finish(Waiter main, Clause[] clauses) {
        for (int i = 0; i < clauses.length; i++) {
            if (clauses[i] != null) {
                channels.get(i).forget(clauses[i]);
            }
        }
        Object v = main.value();
        return v instanceof Fired f ? f : new Fired(-1, main.result(), null);
    }

    Channel<?> channel(int index) {
        return channels.get(index);
    }

    boolean isReceive(int index) {
        return sends.get(index) == null;
    }

    /**
     * The clause that fired.
     *
     * @param index  the clause's position (from 0), or -1 if none fired (TIMEOUT, CANCELED)
     * @param status OK; CLOSED if the clause's channel was closed; TIMEOUT or CANCELED with index -1
     * @param value  the element received by a receive clause, else null
     */
    public record Fired(int index, Status status, Object value) {
        /** The received element, typed by the caller. */
        @SuppressWarnings("unchecked")
        public <T> T value(Class<T> type) {
            return type.cast(value);
        }
    }

    /** One clause in one channel's queue: its claim is the claim of the whole select. */
    static final class Clause extends Waiter {
        private final Waiter main;
        private final int index;

        Clause(Waiter main, int index) {
            super(main.owner(), "select clause " + index);
            this.main = main;
            this.index = index;
        }

        @Override
        public boolean claim(Status status, Object value) {
            return main.claim(status, new Fired(index, status, value));
        }

        @Override
        public boolean isCompleted() {
            return main.isCompleted();
        }

        @Override
        public void wake() {
            main.wake();
        }

        @Override
        public Object waitIdentity() {
            return main;
        }

        @Override
        public void dependsOutsideRun() {
            main.dependsOutsideRun();
        }
    }
}
