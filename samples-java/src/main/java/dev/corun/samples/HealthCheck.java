package dev.corun.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.corun.Co;
import dev.corun.server.TcpClient;
import dev.corun.server.TcpError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 004, "check many servers at once": one coroutine per {@code host:port}, all connecting
 * at the same time, each with the same deadline, so checking 1000 hosts takes about one timeout,
 * not the sum. Where the seed juggles non-blocking sockets and {@code stream_select()}, each
 * check here is straight-line code ({@code connect}, {@code send}, {@code recv}) whose blocking
 * calls park its coroutine.
 *
 * <p>Each host ends in one state: {@code up} (with the first line it sent; give a probe such as
 * an HTTP request with {@code --send} for services that wait to be asked), {@code refused}
 * (nothing listens), {@code timeout} (no connection, or no answer, before the deadline),
 * {@code closed} (connected, then closed without a word) or {@code error} (anything else, with
 * the reason).
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp samples-java/target/corun-samples-java-0.1.0-SNAPSHOT.jar \
 *      dev.corun.samples.HealthCheck [--timeout 1s] [--send 'HEAD / HTTP/1.0\r\n\r\n'] [--file hosts.txt] host:port...
 * </pre>
 *
 * <p>Exit status: 0 when every host is up, 1 when some are not, 2 on a usage error.
 */
public final class HealthCheck {
    private HealthCheck() {}

    /** How a host answered. */
    public enum State { UP, REFUSED, TIMEOUT, CLOSED, ERROR }

    /** One {@code host:port} to check. */
    public record Target(String host, int port) {
        /** Parses {@code host:port}, {@code [v6]:port}. */
        public static Target parse(String s) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("not host:port: " + s);
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a port number in " + s);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range in " + s);
            }
            return new Target(host, port);
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A host's state, its first line (UP) or the reason, and how long its check took. */
    public record Result(Target target, State state, String detail, Duration elapsed) {}

    private static final int MAX_LINE = 1024;

    /**
     * Checks every target at once and returns one result per target, in order. Takes about
     * {@code timeout} when some host does not answer, less when all do.
     *
     * @param probe bytes to send once connected (null: just wait for the host to speak first)
     */
    public static List<Result> check(List<Target> targets, Duration timeout, byte[] probe) {
        Result[] results = new Result[targets.size()];
        Co.run(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int i = 0; i < targets.size(); i++) {
                int slot = i;
                Co.go(() -> results[slot] = checkOne(targets.get(slot), deadline, probe));
            }
        });
        return List.of(results);
    }

    /** One host, in its own coroutine: connect, probe, read the first line, before the deadline. */
    static Result checkOne(Target t, long deadline, byte[] probe) {
        long start = System.nanoTime();
        TcpClient c = new TcpClient();
        try {
            if (!c.connect(t.host(), t.port(), left(deadline))) {
                return result(t, c.error() == TcpError.REFUSED ? State.REFUSED
                        : c.error() == TcpError.TIMEOUT ? State.TIMEOUT : State.ERROR, c.errMsg(), start);
            }
            if (probe != null && !c.send(probe, left(deadline))) {
                return result(t, c.error() == TcpError.TIMEOUT ? State.TIMEOUT : State.ERROR, c.errMsg(), start);
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                byte[] got = c.recv(left(deadline));
                if (got == null) {
                    if (line.size() > 0) {
                        return result(t, State.UP, firstLine(line.toByteArray()), start); // spoke, without a newline
                    }
                    return switch (c.error()) {
                        case TIMEOUT -> result(t, State.TIMEOUT, "connected, no answer in time", start);
                        case CLOSED -> result(t, State.CLOSED, "connected, closed without answering", start);
                        default -> result(t, State.ERROR, c.errMsg(), start);
                    };
                }
                line.writeBytes(got);
                byte[] all = line.toByteArray();
                if (indexOf(all, (byte) '\n') >= 0 || all.length >= MAX_LINE) {
                    return result(t, State.UP, firstLine(all), start);
                }
            }
        } finally {
            c.close();
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static Result result(Target t, State s, String detail, long start) {
        return new Result(t, s, detail, Duration.ofNanos(System.nanoTime() - start));
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static String firstLine(byte[] b) {
        int nl = indexOf(b, (byte) '\n');
        String s = new String(b, 0, Math.min(nl < 0 ? b.length : nl, MAX_LINE), UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    // ---- command line ----------------------------------------------------------------------

    /** Parses {@code 1s}, {@code 500ms}, {@code 1.5} (seconds), {@code 2m}. */
    static Duration parseDuration(String s) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            String secs = s.endsWith("s") ? s.substring(0, s.length() - 1) : s;
            return Duration.ofNanos((long) (Double.parseDouble(secs) * 1e9));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + s + " (try 1s, 500ms or 1.5)");
        }
    }

    /** Turns {@code \r}, {@code \n}, {@code \t} and {@code \\} in a command-line probe into bytes. */
    static byte[] unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\").getBytes(UTF_8);
    }

    public static void main(String[] args) {
        Duration timeout = Duration.ofSeconds(1);
        byte[] probe = null;
        List<Target> targets = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--timeout" -> timeout = parseDuration(args[++i]);
                    case "--send" -> probe = unescape(args[++i]);
                    case "--file" -> {
                        for (String line : Files.readAllLines(Path.of(args[++i]))) {
                            String l = line.strip();
                            if (!l.isEmpty() && !l.startsWith("#")) {
                                targets.add(Target.parse(l));
                            }
                        }
                    }
                    case "-h", "--help" -> throw new IllegalArgumentException("");
                    default -> targets.add(Target.parse(args[i]));
                }
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("no targets");
            }
        } catch (IllegalArgumentException | IOException | ArrayIndexOutOfBoundsException e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) {
                System.err.println("HealthCheck: " + e.getMessage());
            }
            System.err.println("usage: HealthCheck [--timeout 1s] [--send 'HEAD / HTTP/1.0\\r\\n\\r\\n'] [--file FILE] host:port...");
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        List<Result> results = check(targets, timeout, probe);
        long ms = (System.nanoTime() - start) / 1_000_000;
        int width = Math.max(4, targets.stream().mapToInt(t -> t.toString().length()).max().orElse(4));
        System.out.printf("%-" + width + "s  %-8s %7s  %s%n", "HOST", "STATUS", "TIME", "DETAIL");
        Map<State, Integer> counts = new EnumMap<>(State.class);
        for (Result r : results) {
            counts.merge(r.state(), 1, Integer::sum);
            System.out.printf("%-" + width + "s  %-8s %4d ms  %s%n", r.target(), r.state().name().toLowerCase(),
                    r.elapsed().toMillis(), r.detail());
        }
        StringBuilder summary = new StringBuilder();
        counts.forEach((s, n) -> summary.append(summary.length() == 0 ? "" : ", ").append(n).append(' ').append(s.name().toLowerCase()));
        System.out.println("checked " + targets.size() + " hosts in " + ms + " ms (timeout " + timeout.toMillis() + " ms): " + summary);
        System.exit(counts.getOrDefault(State.UP, 0) == targets.size() ? 0 : 1);
    }
}
