package dev.corun.internal;

/**
 * Guards the blocking forms of corun calls. On a carrier thread itself (not inside a virtual
 * thread) the caller is a Kotlin coroutine: blocking there would stall every coroutine queued
 * on that carrier, so the call fails at once and names the suspend form to use. The same holds
 * on a thread marked with {@link #forbidOnThisThread}, such as a server's event loop that runs
 * the first part of Kotlin handlers. Java coroutines (virtual threads) and other threads may
 * block.
 */
public final class Blocking {
    /** Why blocking is forbidden on the thread, for threads marked by {@link #forbidOnThisThread}. */
    private static final ThreadLocal<String> FORBIDDEN = new ThreadLocal<>();

    private Blocking() {}

    /**
     * @param call        the blocking call, e.g. {@code "Co.sleep()"}
     * @param suspendForm the suspend function to call instead, e.g. {@code "coSleep()"}
     */
    public static void check(String call, String suspendForm) {
        Thread t = Thread.currentThread();
        if (t instanceof Carrier c) {
            throw new IllegalStateException(call + " would block carrier thread " + c.getName()
                    + " inside a Kotlin coroutine, stalling every coroutine queued on it; call the suspend form "
                    + suspendForm + " instead");
        }
        if (!t.isVirtual()) {
            String why = FORBIDDEN.get();
            if (why != null) {
                throw new IllegalStateException(call + " would block thread " + t.getName() + ", which " + why
                        + "; call the suspend form " + suspendForm + " instead");
            }
        }
    }

    /**
     * Makes the blocking forms fail on the calling (platform) thread from now on, as on a
     * carrier. {@code why} completes "thread X, which ...", e.g. "serves many connections".
     * Cheap to repeat: a thread already marked is left as it is.
     */
    public static void forbidOnThisThread(String why) {
        if (FORBIDDEN.get() == null) {
            FORBIDDEN.set(why);
        }
    }
}
