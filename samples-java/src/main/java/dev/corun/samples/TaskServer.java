package dev.corun.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.corun.server.Framing;
import dev.corun.server.TcpServer;
import dev.corun.server.TcpServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Seed 003, "asynchronous tasks": a TCP server with four task workers. {@code onReceive} hands
 * each line to {@code server.task()} (which returns a task id at once), {@code onTask} runs it in
 * the task pool and returns {@code "<line> -> OK"}, and {@code onFinish} gets that result back in
 * a child coroutine of the coroutine that dispatched it, and answers the client with it.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp samples-java/target/corun-samples-java-0.1.0-SNAPSHOT.jar \
 *      dev.corun.samples.TaskServer [port]        # serves on 127.0.0.1:9501 until killed
 * ... dev.corun.samples.TaskServer --demo         # starts it, runs TaskClient against it, stops
 * </pre>
 *
 * <p>Lines end with {@code "\n"}; try it with {@code nc 127.0.0.1 9501}.
 */
public final class TaskServer {
    private TaskServer() {}

    /** What a task carries: the connection to answer and the line it received. */
    record Job(int fd, String line) {}

    /** The seed's server, not started yet; it narrates on {@code log}. */
    public static TcpServer create(String host, int port, PrintStream log) {
        TcpServer serv = new TcpServer(host, port)
                .set(new TcpServerOptions().taskWorkerNum(4).framing(Framing.eol()));

        // Runs as a coroutine of its own for each line received ("in the worker").
        serv.onReceive((s, fd, reactorId, data) -> {
            long taskId = s.task(new Job(fd, new String(data, UTF_8)));
            log.println("Dispatch AsyncTask: id=" + taskId);
        });

        // Runs in the task pool.
        serv.onTask((s, taskId, srcWorkerId, data) -> {
            Job job = (Job) data;
            log.println("New AsyncTask[id=" + taskId + "]");
            return new Job(job.fd(), job.line() + " -> OK"); // returning is the same as s.finish(...)
        });

        // Back in a child coroutine of the one that called task().
        serv.onFinish((s, taskId, result) -> {
            if (!result.isOk()) {
                log.println("AsyncTask[" + taskId + "] " + result.outcome() + ": " + result.failure());
                return;
            }
            Job done = (Job) result.value();
            log.println("AsyncTask[" + taskId + "] Finish: " + done.line());
            s.send(done.fd(), done.line() + "\n");
        });
        return serv;
    }

    public static void main(String[] args) throws IOException {
        boolean demo = args.length > 0 && args[0].equals("--demo");
        int port = demo ? 0 : args.length > 0 ? Integer.parseInt(args[0]) : 9501;
        TcpServer serv = create("127.0.0.1", port, System.out).start();
        System.out.println("seed 003 task server listening on 127.0.0.1:" + serv.port());
        if (!demo) {
            serv.awaitShutdown();
            return;
        }
        List<String> replies = TaskClient.exchange("127.0.0.1", serv.port(),
                List.of("send mail", "resize image", "broadcast"), Duration.ofSeconds(5));
        replies.forEach(r -> System.out.println("client got: " + r));
        serv.shutdown(Duration.ofSeconds(5));
    }
}
