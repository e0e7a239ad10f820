package dev.corun.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import dev.corun.samples.HealthCheck.Result;
import dev.corun.samples.HealthCheck.State;
import dev.corun.samples.HealthCheck.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 004 against 1000 local targets: half answer, a quarter accept and never answer, a quarter
 * refuse. All are checked at once, so the whole check takes about one timeout.
 */
class HealthCheckTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A listener whose every connection gets one line, then is closed. */
    private static ServerSocket answering(List<ServerSocket> open) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, LOOPBACK);
        open.add(ss);
        Co.go(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    s.getOutputStream().write(("HELLO " + ss.getLocalPort() + "\r\n").getBytes(UTF_8));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return ss;
    }

    /** A listener that never accepts: the kernel completes the handshake, nobody ever writes. */
    private static ServerSocket silent(List<ServerSocket> open) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, LOOPBACK);
        open.add(ss);
        return ss;
    }

    /** A port bound and then released while the listeners above hold theirs: connecting is refused. */
    private static int refusing() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
            return ss.getLocalPort();
        }
    }

    @Test
    @Timeout(60)
    void aThousandTargetsAreCheckedAtOnceInAboutOneTimeout() throws Exception {
        List<ServerSocket> open = new ArrayList<>();
        try {
            List<Target> targets = new ArrayList<>();
            List<State> expected = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                targets.add(new Target("127.0.0.1", answering(open).getLocalPort()));
                expected.add(State.UP);
            }
            for (int i = 0; i < 250; i++) {
                targets.add(new Target("127.0.0.1", silent(open).getLocalPort()));
                expected.add(State.TIMEOUT);
            }
            for (int i = 0; i < 250; i++) {
                targets.add(new Target("127.0.0.1", refusing()));
                expected.add(State.REFUSED);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(4));
            List<Target> shuffled = order.stream().map(targets::get).toList();

            // Warm-up (JIT, first sockets) on a few targets, so the figure below is the checker's.
            HealthCheck.check(shuffled.subList(0, 20), Duration.ofMillis(200), null);

            long start = System.nanoTime();
            List<Result> results = HealthCheck.check(shuffled, Duration.ofSeconds(1), null);
            long ms = (System.nanoTime() - start) / 1_000_000;

            assertEquals(1000, results.size());
            for (int k = 0; k < results.size(); k++) {
                Result r = results.get(k);
                int i = order.get(k);
                assertEquals(targets.get(i), r.target());
                assertEquals(expected.get(i), r.state(), () -> r.target() + ": " + r.detail());
                if (r.state() == State.UP) {
                    assertEquals("HELLO " + r.target().port(), r.detail());
                }
            }
            Map<State, Long> counts = new java.util.EnumMap<>(State.class);
            results.forEach(r -> counts.merge(r.state(), 1L, Long::sum));
            System.out.println("1000 targets checked in " + ms + " ms with a 1 s timeout: " + counts);
            assertTrue(ms >= 1000, "the silent hosts were given their full second: " + ms + " ms");
            assertTrue(ms < 1500, "1000 checks at once take about one timeout, not the sum: " + ms + " ms");
        } finally {
            for (ServerSocket ss : open) {
                ss.close();
            }
        }
    }

    @Test
    void aProbeIsSentAndAClosedWithoutAnswerIsTold() throws Exception {
        try (ServerSocket echoFirstLine = new ServerSocket(0, 50, LOOPBACK);
                ServerSocket closer = new ServerSocket(0, 50, LOOPBACK)) {
            Co.go(() -> {
                try (Socket s = echoFirstLine.accept()) {
                    byte[] b = new byte[64];
                    int n = s.getInputStream().read(b);
                    s.getOutputStream().write(("you said " + new String(b, 0, n, UTF_8)).getBytes(UTF_8));
                }
            });
            Co.go(() -> closer.accept().close());
            List<Result> r = HealthCheck.check(List.of(
                    new Target("127.0.0.1", echoFirstLine.getLocalPort()),
                    new Target("127.0.0.1", closer.getLocalPort())), Duration.ofSeconds(5), HealthCheck.unescape("PING\\r\\n"));
            assertEquals(State.UP, r.get(0).state());
            assertEquals("you said PING", r.get(0).detail());
            assertEquals(State.CLOSED, r.get(1).state());
        }
    }

    @Test
    void targetsAndDurationsParse() {
        assertEquals(new Target("example.com", 80), Target.parse("example.com:80"));
        assertEquals(new Target("::1", 8080), Target.parse("[::1]:8080"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("nohost"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("h:99999"));
        assertEquals(Duration.ofMillis(500), HealthCheck.parseDuration("500ms"));
        assertEquals(Duration.ofMillis(1500), HealthCheck.parseDuration("1.5"));
        assertEquals(Duration.ofSeconds(2), HealthCheck.parseDuration("2s"));
    }
}
