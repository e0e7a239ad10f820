package dev.corun.server;

import java.io.IOException;

/** A message (frame) longer than the configured maximum frame size arrived. */
public final class FrameTooLargeException extends IOException {
    private final long length;
    private final int max;

    public FrameTooLargeException(long length, int max) {
        super("a frame of " + (length < 0 ? "more than " + max : String.valueOf(length)) + " bytes exceeds the maximum frame size of "
                + max + " bytes; raise maxFrameSize if such messages are legitimate");
        this.length = length;
        this.max = max;
    }

    /** The announced length, or -1 when the frame is unterminated and already longer than the maximum. */
    public long length() {
        return length;
    }

    public int max() {
        return max;
    }
}
