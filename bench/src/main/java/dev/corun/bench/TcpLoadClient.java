package dev.corun.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of {@link TcpLoad}, in its own JVM: {@code connections} platform threads, each
 * with one blocking socket, keeping {@code window} lines in flight and checking every answer.
 * Counts answers during the measured seconds (after a 3 s warm-up) and prints answers per second.
 *
 * <p>Usage: {@code TcpLoadClient PORT SECONDS CONNECTIONS WINDOW SUFFIX}, where each answer must
 * be the line sent plus SUFFIX.
 */
public final class TcpLoadClient {
    private static final long WARM_UP_NANOS = 3_000_000_000L;

    private TcpLoadClient() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        int connections = Integer.parseInt(args[2]);
        int window = Integer.parseInt(args[3]);
        String suffix = args.length > 4 ? args[4] : "";
        AtomicLong counted = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    OutputStream out = new BufferedOutputStream(s.getOutputStream());
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    long sent = 0;
                    long received = 0;
                    for (; sent < window; sent++) {
                        out.write(("c" + conn + "m" + sent + "\n").getBytes(UTF_8));
                    }
                    out.flush();
                    StringBuilder line = new StringBuilder();
                    while (!stop.get()) {
                        line.setLength(0);
                        int ch;
                        while ((ch = in.read()) != '\n') {
                            if (ch < 0) {
                                throw new IllegalStateException("server closed connection " + conn);
                            }
                            line.append((char) ch);
                        }
                        if (!line.toString().endsWith(suffix) || !line.toString().startsWith("c" + conn + "m")) {
                            bad.incrementAndGet();
                        }
                        received++;
                        if (measuring.get()) {
                            counted.incrementAndGet();
                        }
                        out.write(("c" + conn + "m" + sent++ + "\n").getBytes(UTF_8));
                        out.flush();
                    }
                } catch (Exception e) {
                    if (!stop.get()) {
                        e.printStackTrace();
                    }
                } finally {
                    done.countDown();
                }
            }));
        }
        Thread.sleep(WARM_UP_NANOS / 1_000_000); // a benchmark's warm-up period, not synchronisation
        long start = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        long n = counted.get();
        System.out.printf("round trips: %d in %.2f s = %.0f /s (%d connections, window %d, %d bad answers)%n",
                n, elapsed / 1e9, n / (elapsed / 1e9), connections, window, bad.get());
        System.exit(bad.get() == 0 ? 0 : 1);
    }
}
