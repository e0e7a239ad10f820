package dev.corun.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a byte stream is cut into messages ("packages" in Swoole), for {@link TcpServer} and
 * {@link TcpClient}.
 *
 * <ul>
 *   <li>{@link #raw()}: no framing; each read delivers whatever bytes arrived (Swoole's default,
 *       where the application does its own framing).</li>
 *   <li>{@link #lengthPrefixed()}: a 4-byte big-endian unsigned length, then that many payload
 *       bytes (Swoole's {@code open_length_check} with {@code package_length_type => 'N'},
 *       offset 0, body offset 4). The length counts the payload only.</li>
 *   <li>{@link #eol()} / {@link #eol(String)}: messages end with a delimiter, {@code "\n"} by
 *       default (Swoole's {@code open_eof_split}).</li>
 * </ul>
 *
 * <p>Received messages carry the payload only: no length header, no delimiter. Use
 * {@link #encode(byte[])} (or {@code TcpServer.sendFrame} / {@code TcpClient.sendFrame}) to add
 * them when sending. A message longer than the configured maximum frame size is an error: the
 * server closes that connection, the client reports {@link TcpError#FRAME_TOO_LARGE}.
 *
 * <pre>{@code
 * server.set(new TcpServerOptions().framing(Framing.eol("\r\n")).maxFrameSize(64 * 1024));
 * }</pre>
 */
public final class Framing {
    /** The three kinds of framing. */
    public enum Kind { RAW, LENGTH_PREFIXED, EOL }

    private static final Framing RAW = new Framing(Kind.RAW, null);
    private static final Framing LENGTH = new Framing(Kind.LENGTH_PREFIXED, null);
    private static final Framing LF = new Framing(Kind.EOL, new byte[] {'\n'});

    private final Kind kind;
    private final byte[] delimiter;

    private Framing(Kind kind, byte[] delimiter) {
        this.kind = kind;
        this.delimiter = delimiter;
    }

    /** No framing: every read is one message. */
    public static Framing raw() {
        return RAW;
    }

    /** A 4-byte big-endian length (of the payload), then the payload. */
    public static Framing lengthPrefixed() {
        return LENGTH;
    }

    /** Messages end with {@code "\n"}. */
    public static Framing eol() {
        return LF;
    }

    /**
     * Messages end with {@code delimiter} (UTF-8), for instance {@code "\r\n"}.
     *
     * @throws IllegalArgumentException if the delimiter is empty
     */
    public static Framing eol(String delimiter) {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.isEmpty()) {
            throw new IllegalArgumentException("an end-of-line delimiter needs at least one byte, for instance \"\\n\"");
        }
        return new Framing(Kind.EOL, delimiter.getBytes(StandardCharsets.UTF_8));
    }

    public Kind kind() {
        return kind;
    }

    /** The delimiter of {@link Kind#EOL} framing (a copy), or null. */
    public byte[] delimiter() {
        return delimiter == null ? null : delimiter.clone();
    }

    /** The payload as it goes on the wire: with its length header, its delimiter, or as it is. */
    public byte[] encode(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return switch (kind) {
            case RAW -> payload;
            case LENGTH_PREFIXED -> ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
            case EOL -> {
                byte[] out = Arrays.copyOf(payload, payload.length + delimiter.length);
                System.arraycopy(delimiter, 0, out, payload.length, delimiter.length);
                yield out;
            }
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case RAW -> "raw";
            case LENGTH_PREFIXED -> "length-prefixed (4-byte big-endian)";
            case EOL -> "end-of-line " + Arrays.toString(delimiter);
        };
    }
}
