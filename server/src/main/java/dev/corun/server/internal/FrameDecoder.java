package dev.corun.server.internal;

import dev.corun.server.FrameTooLargeException;
import dev.corun.server.Framing;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a byte stream into frames, one connection's worth of state. Not thread-safe: one reader
 * feeds it. A frame may be split over any number of reads, and one read may hold many frames.
 *
 * <p>Invariant: {@link #feed} appends every complete frame that precedes an error, then
 * throws, so the caller can deliver those before closing the connection.
 */
public abstract class FrameDecoder {

    /** Appends to {@code out} every frame completed by these bytes. */
    public abstract void feed(byte[] buf, int off, int len, List<byte[]> out) throws FrameTooLargeException;

    public static FrameDecoder create(Framing framing, int maxFrameSize) {
        return switch (framing.kind()) {
            case RAW -> new Raw();
            case LENGTH_PREFIXED -> new LengthPrefixed(maxFrameSize);
            case EOL -> new Eol(framing.delimiter(), maxFrameSize);
        };
    }

    /** Every read is a frame. */
    static final class Raw extends FrameDecoder {
        @Override
        public void feed(byte[] buf, int off, int len, List<byte[]> out) {
            if (len > 0) {
                out.add(Arrays.copyOfRange(buf, off, off + len));
            }
        }
    }

    /** 4-byte big-endian payload length, then the payload. */
    static final class LengthPrefixed extends FrameDecoder {
        private final int max;
        private int header;      // the length bytes read so far, big-endian
        private int headerFill;  // 0..4
        private byte[] body;     // null while reading the header
        private int bodyFill;

        LengthPrefixed(int max) {
            this.max = max;
        }

        @Override
        public void feed(byte[] buf, int off, int len, List<byte[]> out) throws FrameTooLargeException {
            int end = off + len;
            while (off < end) {
                if (body == null) {
                    header = (header << 8) | (buf[off++] & 0xff);
                    if (++headerFill == 4) {
                        long length = header & 0xffffffffL;
                        headerFill = 0;
                        header = 0;
                        if (length > max) {
                            throw new FrameTooLargeException(length, max);
                        }
                        body = new byte[(int) length];
                        bodyFill = 0;
                    } else {
                        continue;
                    }
                } else {
                    int n = Math.min(end - off, body.length - bodyFill);
                    System.arraycopy(buf, off, body, bodyFill, n);
                    off += n;
                    bodyFill += n;
                }
                if (body != null && bodyFill == body.length) {
                    out.add(body);
                    body = null;
                }
            }
        }
    }

    /** Frames end with a delimiter, which is not part of the frame. */
    static final class Eol extends FrameDecoder {
        private final byte[] delim;
        private final int max;
        private byte[] acc = new byte[256];
        private int accLen;     // bytes of the pending (unterminated) frame held in acc
        private int scanned;    // acc[0, scanned) holds no delimiter start

        Eol(byte[] delim, int max) {
            this.delim = delim;
            this.max = max;
        }

        @Override
        public void feed(byte[] buf, int off, int len, List<byte[]> out) throws FrameTooLargeException {
            if (accLen + len > acc.length) {
                acc = Arrays.copyOf(acc, Math.max(acc.length * 2, accLen + len));
            }
            System.arraycopy(buf, off, acc, accLen, len);
            accLen += len;
            int start = 0;
            int i = Math.max(0, scanned);
            int last = accLen - delim.length;
            while (i <= last) {
                if (acc[i] == delim[0] && matches(i)) {
                    int frameLen = i - start;
                    if (frameLen > max) {
                        throw new FrameTooLargeException(frameLen, max);
                    }
                    out.add(Arrays.copyOfRange(acc, start, i));
                    i += delim.length;
                    start = i;
                } else {
                    i++;
                }
            }
            // keep the unterminated rest at the front
            int rest = accLen - start;
            if (start > 0) {
                System.arraycopy(acc, start, acc, 0, rest);
            }
            accLen = rest;
            scanned = Math.max(0, rest - delim.length + 1);
            if (rest - (delim.length - 1) > max) {
                throw new FrameTooLargeException(-1, max);
            }
            if (acc.length > 4096 && accLen < acc.length / 4) {
                acc = Arrays.copyOf(acc, Math.max(256, accLen * 2)); // give back a buffer grown by one long line
            }
        }

        private boolean matches(int at) {
            for (int k = 1; k < delim.length; k++) {
                if (acc[at + k] != delim[k]) {
                    return false;
                }
            }
            return true;
        }
    }
}
