package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.server.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Seed 003: receive → task → finish → the client gets its answer. */
@Timeout(60)
class TaskServerTest {
    @Test
    void eachLineComesBackThroughTheTaskPool() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TcpServer serv = TaskServer.create("127.0.0.1", 0, new PrintStream(log, true, StandardCharsets.UTF_8)).start();
        try {
            List<String> answers = TaskClient.exchange("127.0.0.1", serv.port(), List.of("a", "b", "c"), Duration.ofSeconds(10));
            assertEquals(Set.of("a -> OK", "b -> OK", "c -> OK"), Set.copyOf(answers));
        } finally {
            assertTrue(serv.shutdown(Duration.ofSeconds(10)));
        }
        String narration = log.toString(StandardCharsets.UTF_8);
        for (String line : List.of("Dispatch AsyncTask: id=", "New AsyncTask[id=", "] Finish: a -> OK")) {
            assertTrue(narration.contains(line), narration);
        }
        assertEquals(3, serv.stats().tasksFinished());
    }

    @Test
    void anUnreachableServerIsReportedNotThrown() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        List<String> answers = TaskClient.exchange("127.0.0.1", port, List.of("a"), Duration.ofSeconds(2));
        assertEquals(1, answers.size());
        assertTrue(answers.get(0).startsWith("error: ") && answers.get(0).contains("refused"), answers.get(0));
    }
}
