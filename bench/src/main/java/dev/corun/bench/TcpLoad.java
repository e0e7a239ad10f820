package dev.corun.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.corun.Co;
import dev.corun.server.Framing;
import dev.corun.server.TcpServer;
import dev.corun.server.TcpServerOptions;
import java.time.Duration;
import java.util.List;

/**
 * Load driver for the TCP server: serves in this JVM and runs {@link TcpLoadClient} in a child
 * JVM (same java, same flags), which opens the connections, keeps {@code window} lines in
 * flight on each, and counts answers per second over the measured time.
 *
 * <ul>
 *   <li>{@code task}: seed 003's round trip. Each line → {@code server.task(line, callback)} →
 *       a task worker coroutine returns {@code line + " -> OK"} → the finish callback (a child of
 *       the receive coroutine) sends it back. Four task workers.</li>
 *   <li>{@code echo}: each line is sent back from the receive handler.</li>
 *   <li>{@code vt-echo}: the baseline a user might write instead: a {@code ServerSocket}, one
 *       virtual thread per connection on the JDK's default scheduler, reading lines with a
 *       {@code BufferedInputStream} and writing them back. No corun.</li>
 * </ul>
 *
 * <p>Usage: {@code TcpLoad task|echo [seconds=10] [connections=16] [window=1]}. The client side
 * uses plain blocking sockets on platform threads (one per connection), so it shares the
 * machine's cores with the server but not its carriers.
 */
public final class TcpLoad {
    private TcpLoad() {}

    /** The {@code vt-echo} baseline: thread-per-connection on the JDK's default virtual-thread scheduler. */
    private static void virtualThreadEcho(String seconds, String connections, String window) throws Exception {
        java.net.ServerSocket ss = new java.net.ServerSocket(0, 1024, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (true) {
                java.net.Socket s;
                try {
                    s = ss.accept();
                } catch (java.io.IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        s.setTcpNoDelay(true);
                        java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                        java.io.OutputStream out = s.getOutputStream();
                        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                        int ch;
                        while ((ch = in.read()) >= 0) {
                            line.write(ch);
                            if (ch == '\n') {
                                out.write(line.toByteArray());
                                line.reset();
                            }
                        }
                    } catch (java.io.IOException ignored) {
                        // the client went away
                    }
                });
            }
        });
        System.out.println("# TcpLoad vt-echo (baseline, JDK default virtual-thread scheduler): server on 127.0.0.1:" + ss.getLocalPort()
                + ", " + Runtime.getRuntime().availableProcessors() + " cores, java " + Runtime.version()
                + "; client: " + connections + " connections, window " + window + ", " + seconds + " s measured after 3 s warm-up");
        int code = Jvm.runChild(TcpLoadClient.class, List.of(String.valueOf(ss.getLocalPort()), seconds, connections, window, ""));
        ss.close();
        System.exit(code);
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "task";
        String seconds = args.length > 1 ? args[1] : "10";
        String connections = args.length > 2 ? args[2] : "16";
        String window = args.length > 3 ? args[3] : "1";
        if (mode.equals("vt-echo")) {
            virtualThreadEcho(seconds, connections, window);
            return;
        }
        TcpServer server = new TcpServer("127.0.0.1", 0)
                .set(new TcpServerOptions().framing(Framing.eol()).taskWorkerNum(mode.equals("task") ? 4 : 0));
        switch (mode) {
            case "task" -> server
                    .onReceive((s, fd, r, data) -> s.task(new String(data, UTF_8),
                            (sv, id, result) -> sv.send(fd, result.value() + "\n")))
                    .onTask((s, id, src, data) -> data + " -> OK");
            case "echo" -> server.onReceive((s, fd, r, data) -> {
                byte[] line = new byte[data.length + 1];
                System.arraycopy(data, 0, line, 0, data.length);
                line[data.length] = '\n';
                s.send(fd, line);
            });
            default -> throw new IllegalArgumentException("mode is task or echo, not " + mode);
        }
        server.start();
        System.out.println("# TcpLoad " + mode + ": server on 127.0.0.1:" + server.port() + ", " + Co.options().carriers()
                + " carriers, " + Runtime.getRuntime().availableProcessors() + " cores, java " + Runtime.version()
                + "; client: " + connections + " connections, window " + window + ", " + seconds + " s measured after 3 s warm-up");
        int code = Jvm.runChild(TcpLoadClient.class, List.of(String.valueOf(server.port()), seconds, connections, window,
                mode.equals("task") ? " -> OK" : ""));
        System.out.println("# server stats: " + server.stats());
        System.out.println("# corun stats: extraCarriersStarted=" + Co.stats().extraCarriersStarted());
        server.shutdown(Duration.ofSeconds(10));
        System.exit(code);
    }
}
