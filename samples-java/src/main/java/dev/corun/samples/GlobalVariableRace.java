package dev.corun.samples;

import dev.corun.Co;
import dev.corun.Context;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Seed 002, "Utiliser des variables statiques de classe/variables globales pour conserver le
 * contexte": coroutines run interleaved, so per-request state kept in a static field belongs
 * to whichever request wrote last. Request {@code /a} stores its name in the global, then
 * suspends on slow I/O; request {@code /b} runs meanwhile and overwrites the global; {@code /a}
 * resumes and answers {@code "b"}. The fix is per-coroutine state: {@link Co#getContext()} with
 * a typed {@link Context.Key}. corun empties a coroutine's {@link Context} when the coroutine
 * ends, which is the seed's {@code Context::delete} done for you.
 *
 * <p>Each request is handled in its own coroutine, as a corun HTTP server does. The "client"
 * sends {@code /b} once {@code /a} has started waiting on the backend: the seed's two
 * {@code curl} commands launched in parallel.
 */
public final class GlobalVariableRace {
    /** How long {@code /a} waits on the backend; {@code /b} only has to finish within it. */
    private static final Duration SLOW_IO = Duration.ofMillis(500);

    /** The seed's {@code $_array['name']}: one slot for the whole process. Volatile, so the bug shown is sharing, not visibility. */
    private static volatile String globalName;

    /** The request's name in its coroutine's {@link Context}. */
    private static final Context.Key<String> NAME = Context.key("name");

    private GlobalVariableRace() {}

    /** The bodies that {@code /a} and {@code /b} answered. */
    public record Responses(String a, String b) {}

    /** A request handler: returns the response body (the seed's {@code $response->end(...)}). */
    @FunctionalInterface
    private interface Handler {
        String handle(String uri, Backend backend) throws Exception;
    }

    /**
     * The slow service {@code /a} calls: one {@code Co.sleep(SLOW_IO)}. It also tells the client
     * that a request has started waiting, so that {@code /b} is sent during that wait.
     */
    private static final class Backend {
        private final CountDownLatch busy = new CountDownLatch(1);

        void slowQuery() {
            busy.countDown();
            Co.sleep(SLOW_IO);
        }

        void awaitBusy() throws InterruptedException {
            busy.await();
        }
    }

    /**
     * The seed's "exemple d'erreur": the handlers keep the request's name in a static field.
     *
     * @return the responses; {@code /a} answered {@code "b"}, the value {@code /b} stored
     */
    public static Responses withGlobal() {
        return serve((uri, backend) -> {
            if (uri.equals("/a")) {
                globalName = "a";
                backend.slowQuery(); // coroutine 1 suspends here...
                return globalName; // ...and reads what /b stored meanwhile
            }
            globalName = "b";
            return "";
        });
    }

    /**
     * The seed's "exemple correct": the handlers keep the request's name in their coroutine's
     * {@link Context}.
     *
     * @return the responses; {@code /a} answered {@code "a"}
     */
    public static Responses withContext() {
        return serve((uri, backend) -> {
            Context context = Co.getContext();
            if (uri.equals("/a")) {
                context.put(NAME, "a");
                backend.slowQuery();
                return context.get(NAME); // this coroutine's own slot: /b cannot touch it
            }
            context.put(NAME, "b");
            return "";
        });
    }

    /**
     * The seed's {@code Context::delete} is not needed: a coroutine stores a value in its
     * {@link Context} and ends, and the context is empty afterwards.
     *
     * @return the context of a coroutine that has ended
     */
    public static Context contextAfterItsCoroutineEnded() {
        AtomicReference<Context> used = new AtomicReference<>();
        Co.run(() -> {
            Context context = Co.getContext();
            context.put(NAME, "a");
            used.set(context);
        });
        return used.get();
    }

    /** Handles {@code /a}, then {@code /b} while {@code /a} waits, each in its own coroutine; returns once both have answered. */
    private static Responses serve(Handler handler) {
        Backend backend = new Backend();
        AtomicReference<String> a = new AtomicReference<>();
        AtomicReference<String> b = new AtomicReference<>();
        Co.run(() -> {
            Co.go("/a", () -> a.set(handler.handle("/a", backend)));
            backend.awaitBusy();
            Co.go("/b", () -> b.set(handler.handle("/b", backend)));
        });
        return new Responses(a.get(), b.get());
    }

    /** Runs the wrong version, then the right one, and explains what they show. */
    public static void main(String[] args) {
        System.out.println("Two requests, each handled in its own coroutine: /a stores its name \"a\", then waits "
                + SLOW_IO.toMillis() + " ms on a slow backend;");
        System.out.println("/b arrives during that wait and stores its name \"b\".");
        System.out.println();
        System.out.println("With a static field:       /a answered \"" + withGlobal().a()
                + "\"  <- wrong: /b overwrote the global while /a was suspended");
        System.out.println("With Co.getContext():      /a answered \"" + withContext().a()
                + "\"  <- right: each coroutine has its own Context");
        System.out.println("A Context after its coroutine ended: " + contextAfterItsCoroutineEnded()
                + " (corun empties it; no Context::delete needed)");
    }
}
