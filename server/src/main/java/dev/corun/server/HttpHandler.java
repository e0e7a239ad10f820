package dev.corun.server;

/**
 * A Java request handler for {@link HttpServer}: Swoole's {@code function ($req, $resp)}.
 *
 * <p>Each call runs as a Java coroutine of its own (a virtual thread on corun's scheduler), so
 * the body may block on channels, wait groups, {@code Co.sleep} and {@link HttpClient} without
 * holding a Netty or carrier thread. What it throws gives the request a 500 (if nothing was
 * sent yet) and is logged with the handler's coroutine id; the server keeps serving.
 *
 * <pre>{@code
 * server.on("request", (req, resp) -> resp.end("hello " + req.get("name")));
 * }</pre>
 */
@FunctionalInterface
public interface HttpHandler {
    /**
     * Handles one request. Returning without {@link HttpResponse#end} ends the response with
     * what was written so far (an empty 200 if nothing was).
     */
    void handle(HttpRequest req, HttpResponse resp) throws Exception;
}
