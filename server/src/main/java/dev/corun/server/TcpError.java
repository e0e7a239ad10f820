package dev.corun.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Why a {@link TcpClient} call failed: Swoole's {@code $client->errCode}. Codes are the Linux
 * errno values where one exists (what Swoole reports), and corun's own codes above 9000
 * otherwise.
 *
 * <pre>{@code
 * if (!client.connect("10.0.0.7", 80, Duration.ofSeconds(1))) {
 *     switch (client.error()) {
 *         case REFUSED -> ...   // nothing listens there
 *         case TIMEOUT -> ...   // no answer in time (host down, filtered)
 *         default -> ...        // client.errMsg() says more
 *     }
 * }
 * }</pre>
 */
public enum TcpError {
    NONE(0, "no error"),
    /** ECONNREFUSED: the host answered with a reset; nothing listens on that port. */
    REFUSED(111, "connection refused"),
    /** ETIMEDOUT: the connect, read or write did not complete within its timeout. */
    TIMEOUT(110, "timed out"),
    /** ECONNRESET / EPIPE: the peer reset the connection (or it was aborted). */
    RESET(104, "connection reset by peer"),
    /** EHOSTUNREACH / ENETUNREACH: no route to the host. */
    UNREACHABLE(113, "host unreachable"),
    /** The peer closed the connection in an orderly way (Swoole's recv returning ''). */
    CLOSED(9001, "connection closed by peer"),
    /** A frame longer than the client's maximum frame size arrived; the connection is closed. */
    FRAME_TOO_LARGE(9002, "frame too large"),
    /** The call needs a connection: connect first (or the client was closed). */
    NOT_CONNECTED(9003, "not connected"),
    /** The host name could not be resolved. */
    UNKNOWN_HOST(9004, "unknown host"),
    /** Anything else; {@link TcpClient#errMsg()} has the detail. */
    OTHER(9999, "I/O error");

    private final int code;
    private final String description;

    TcpError(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The errno-like code (Swoole's {@code errCode}). */
    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** Classifies an I/O exception from a socket call. */
    public static TcpError of(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof FrameTooLargeException) {
            return FRAME_TOO_LARGE;
        }
        if (e instanceof ConnectException) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("refused")) {
                return REFUSED;
            }
            if (m.contains("timed out")) {
                return TIMEOUT;
            }
            if (m.contains("unreachable")) {
                return UNREACHABLE;
            }
            return OTHER;
        }
        if (e instanceof NoRouteToHostException) {
            return UNREACHABLE;
        }
        if (e instanceof UnknownHostException) {
            return UNKNOWN_HOST;
        }
        if (e instanceof SocketException) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("reset") || m.contains("Broken pipe") || m.contains("aborted")) {
                return RESET;
            }
            if (m.contains("unreachable")) {
                return UNREACHABLE;
            }
        }
        return OTHER;
    }
}
