package dev.corun.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link HttpClient}: Swoole's {@code $cli->set(['timeout' => ...])}.
 *
 * <ul>
 *   <li>{@code timeout} (default 10 s): the whole request, connect to last body byte; past it
 *       the call ends with status -2.</li>
 *   <li>{@code connectTimeout} (default 5 s): establishing the TCP (and TLS) connection; past it
 *       the call ends with status -1.</li>
 *   <li>{@code poolSize} (default 64): most open keep-alive connections to one host and port,
 *       shared by every client object with the same pool settings in the process.</li>
 *   <li>{@code keepAlive} (default 5 s): how long an idle pooled connection stays open.</li>
 * </ul>
 *
 * <pre>{@code
 * cli.set(new HttpClientOptions().timeout(Duration.ofSeconds(3)));
 * }</pre>
 */
public final class HttpClientOptions {
    private Duration timeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int poolSize = 64;
    private Duration keepAlive = Duration.ofSeconds(5);

    public HttpClientOptions timeout(Duration d) { this.timeout = positive("timeout", d); return this; }
    public HttpClientOptions connectTimeout(Duration d) { this.connectTimeout = positive("connectTimeout", d); return this; }
    public HttpClientOptions keepAlive(Duration d) { this.keepAlive = positive("keepAlive", d); return this; }

    public HttpClientOptions poolSize(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("poolSize must be > 0, got " + n);
        }
        this.poolSize = n;
        return this;
    }

    public Duration timeout() { return timeout; }
    public Duration connectTimeout() { return connectTimeout; }
    public int poolSize() { return poolSize; }
    public Duration keepAlive() { return keepAlive; }

    public HttpClientOptions copy() {
        return new HttpClientOptions().timeout(timeout).connectTimeout(connectTimeout).poolSize(poolSize).keepAlive(keepAlive);
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + d);
        }
        return d;
    }
}
