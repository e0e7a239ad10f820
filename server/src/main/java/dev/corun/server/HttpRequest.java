package dev.corun.server;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a handler sees it: Swoole's {@code $req}.
 *
 * <p>Immutable and complete: the server has read the whole body (within
 * {@link HttpServerOptions#maxBodySize}) before the handler starts, so every method answers at
 * once, from any coroutine or thread. Header names are lower-case, as in Swoole.
 *
 * <pre>{@code
 * server.on("request", (req, resp) -> {
 *     String name = req.get("name");               // ?name=...
 *     String user = req.post("user");              // form field of a urlencoded POST
 *     String agent = req.header("user-agent");
 *     resp.end(req.method() + " " + req.path() + " from " + req.remoteAddress());
 * });
 * }</pre>
 */
public final class HttpRequest {
    private final String method;
    private final String path;
    private final String queryString;
    private final Map<String, String> get;
    private final Map<String, String> post;
    private final Map<String, List<String>> headers;
    private final Map<String, String> cookies;
    private final byte[] body;
    private final InetSocketAddress remoteAddress;

    /** Built by the server; public only so other corun modules can build one in tests. */
    public HttpRequest(String method, String path, String queryString, Map<String, String> get,
                       Map<String, String> post, Map<String, List<String>> headers,
                       Map<String, String> cookies, byte[] body, InetSocketAddress remoteAddress) {
        this.method = method;
        this.path = path;
        this.queryString = queryString;
        this.get = Map.copyOf(get);
        this.post = Map.copyOf(post);
        this.headers = Map.copyOf(headers);
        this.cookies = Map.copyOf(cookies);
        this.body = body;
        this.remoteAddress = remoteAddress;
    }

    /** {@code GET}, {@code POST}, ... */
    public String method() { return method; }

    /** The path without the query string, e.g. {@code /a/b}. */
    public String path() { return path; }

    /** The raw query string without {@code ?}, or {@code ""}. */
    public String queryString() { return queryString; }

    /** Query parameters (first value of each name): Swoole's {@code $req->get}. */
    public Map<String, String> get() { return get; }

    /** One query parameter, or {@code null}. */
    public String get(String name) { return get.get(name); }

    /** Form fields of an {@code application/x-www-form-urlencoded} body: Swoole's {@code $req->post}. */
    public Map<String, String> post() { return post; }

    /** One form field, or {@code null}. */
    public String post(String name) { return post.get(name); }

    /** All headers, lower-case names, every value. */
    public Map<String, List<String>> headers() { return headers; }

    /** First value of a header (name in any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Request cookies: Swoole's {@code $req->cookie}. */
    public Map<String, String> cookies() { return cookies; }

    /** One cookie, or {@code null}. */
    public String cookie(String name) { return cookies.get(name); }

    /** The raw body (a copy): Swoole's {@code $req->rawContent()}. */
    public byte[] rawContent() { return body.clone(); }

    /** The body decoded as UTF-8. */
    public String body() { return new String(body, StandardCharsets.UTF_8); }

    /** The client's address and port. */
    public InetSocketAddress remoteAddress() { return remoteAddress; }

    @Override
    public String toString() {
        return method + " " + path + (queryString.isEmpty() ? "" : "?" + queryString);
    }
}
