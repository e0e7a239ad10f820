package dev.corun.samples.kotlin;

import dev.corun.Co;
import dev.corun.channels.Channel;

/**
 * The Java half of {@code JavaToKotlin.kt}: plain Java, blocking style. It starts a Java
 * coroutine (a virtual thread on corun's scheduler) that pushes {@code 1..count} into the
 * channel, parking while the channel is full, and closes the channel when it has pushed them all.
 */
public final class JavaProducer {
    private JavaProducer() {}

    /**
     * Starts the producer coroutine; returns its id at once.
     *
     * @param ch    the channel a Kotlin coroutine receives from
     * @param count how many elements to push
     */
    public static long start(Channel<Integer> ch, int count) {
        return Co.go("java-producer", () -> {
            for (int i = 1; i <= count; i++) {
                ch.push(i); // blocking push: parks this virtual thread, not a carrier
            }
            ch.close(); // the Kotlin consumer drains what is buffered, then sees CLOSED
        });
    }
}
