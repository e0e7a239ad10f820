package dev.corun.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import dev.corun.CoOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10 000 concurrent connections on 2 carriers. The clients live in a child JVM
 * ({@link ManyClients}) because one process cannot hold both ends of 10 000 connections under
 * the 20 000 file-descriptor limit of this machine.
 */
class TcpManyConnectionsTest {
    private static final int N = 10_000;

    @Test
    @Timeout(180)
    void tenThousandConcurrentConnectionsEachExchangeAMessageOnTwoCarriers() throws Exception {
        try {
            Co.set(new CoOptions().carriers(2));
        } catch (IllegalStateException e) {
            Assumptions.abort("the scheduler already runs with another carrier count: " + e.getMessage());
        }
        CountDownLatch allClosed = new CountDownLatch(N);
        TcpServer server = new TcpServer("127.0.0.1", 0)
                .set(new TcpServerOptions().framing(Framing.eol()).backlog(4096).readBufferSize(1024))
                .onReceive((s, fd, r, data) -> s.send(fd, "ok " + new String(data, UTF_8) + "\n"))
                .onClose((s, fd, r) -> allClosed.countDown())
                .start();
        Process child = null;
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElseThrow());
            cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ManyClients.class.getName(), String.valueOf(server.port()), String.valueOf(N)));
            child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            String ready = out.readLine();
            assertEquals("READY " + N, ready, "every connection answered while all were open");
            TcpServerStats st = server.stats();
            assertEquals(N, st.connections(), "all connections open at once");
            assertEquals(N, st.framesReceived());
            assertEquals(0, st.refused());
            System.out.println("10 000 connections open on " + Co.options().carriers() + " carriers; "
                    + Co.stats());
            OutputStream in = child.getOutputStream();
            in.write('\n');
            in.flush();
            assertEquals("DONE", out.readLine());
            assertTrue(allClosed.await(60, TimeUnit.SECONDS), "every close event ran");
            assertEquals(0, server.stats().connections());
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            server.shutdown(Duration.ofSeconds(10));
        }
    }
}
