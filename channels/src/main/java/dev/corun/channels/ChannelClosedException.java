package dev.corun.channels;

/**
 * Thrown by the Kotlin {@code send} on a closed channel and by {@code receive} on a closed,
 * drained one. The Java forms report CLOSED in their result instead; so does
 * {@code receiveCatching}.
 */
public class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ChannelClosedException(String message) {
        super(message);
    }
}
