package dev.corun.samples;

import dev.corun.Co;
import dev.corun.server.Framing;
import dev.corun.server.TcpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A client for {@link TaskServer}: sends each message as a line and collects one answer line per
 * message (answers may come in any order: tasks finish in parallel).
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp samples-java/target/corun-samples-java-0.1.0-SNAPSHOT.jar \
 *      dev.corun.samples.TaskClient 127.0.0.1 9501 "send mail" "resize image"
 * </pre>
 */
public final class TaskClient {
    private TaskClient() {}

    /**
     * Sends {@code messages} and returns the answers, or lines starting with {@code "error: "}
     * if the server cannot be reached or stops answering within {@code timeout}.
     */
    public static List<String> exchange(String host, int port, List<String> messages, Duration timeout) {
        List<String> answers = new ArrayList<>();
        Co.run(() -> {
            TcpClient c = new TcpClient().framing(Framing.eol());
            if (!c.connect(host, port, timeout)) {
                answers.add("error: " + c.errMsg());
                return;
            }
            try {
                for (String m : messages) {
                    c.send(m + "\n");
                }
                for (int i = 0; i < messages.size(); i++) {
                    String line = c.recvString(timeout);
                    if (line == null) {
                        answers.add("error: " + c.errMsg());
                        return;
                    }
                    answers.add(line);
                }
            } finally {
                c.close();
            }
        });
        return answers;
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: TaskClient HOST PORT MESSAGE...");
            System.exit(2);
        }
        List<String> messages = Arrays.asList(args).subList(2, args.length);
        exchange(args[0], Integer.parseInt(args[1]), messages, Duration.ofSeconds(5)).forEach(System.out::println);
    }
}
