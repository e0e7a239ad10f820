package dev.corun.internal;

/**
 * Guards the blocking forms of corun calls. On a carrier thread itself (not inside a virtual
 * thread) the caller is a Kotlin coroutine: blocking there would stall every coroutine queued
 * on that carrier, so the call fails at once and names the suspend form to use. Java
 * coroutines (virtual threads) and plain threads may block.
 */
public final class Blocking {
    private Blocking() {}

    /**
     * @param call        the blocking call, e.g. {@code "Co.sleep()"}
     * @param suspendForm the suspend function to call instead, e.g. {@code "coSleep()"}
     */
    public static void check(String call, String suspendForm) {
        if (Thread.currentThread() instanceof Carrier c) {
            throw new IllegalStateException(call + " would block carrier thread " + c.getName()
                    + " inside a Kotlin coroutine, stalling every coroutine queued on it; call the suspend form "
                    + suspendForm + " instead");
        }
    }
}
