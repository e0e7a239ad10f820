package dev.corun.server;

/**
 * A snapshot of a {@link TcpServer}'s counters (Swoole's {@code $server->stats()}).
 *
 * @param connections         connections open now
 * @param accepted            connections accepted since start
 * @param closed              connections closed since start
 * @param refused             connections closed at once because {@code maxConnections} was reached
 * @param framesReceived      messages delivered to the receive handler
 * @param bytesReceived       bytes read from all connections
 * @param bytesSent           bytes written by {@code send}
 * @param oversizeFrames      connections closed for a frame over {@code maxFrameSize}
 * @param handlerFailures     event handler calls that threw
 * @param tasksQueued         tasks waiting for a worker now
 * @param tasksInFlight       tasks dispatched and not yet finished (queued or running)
 * @param tasksDispatched     tasks dispatched since start
 * @param tasksFinished       tasks finished OK since start
 * @param tasksFailed         tasks whose handler threw
 * @param tasksCanceled       tasks cancelled by shutdown
 * @param tasksRejected       {@code task()} calls refused because the pool was full (FAIL policy)
 */
public record TcpServerStats(
        int connections, long accepted, long closed, long refused,
        long framesReceived, long bytesReceived, long bytesSent, long oversizeFrames, long handlerFailures,
        int tasksQueued, int tasksInFlight, long tasksDispatched, long tasksFinished, long tasksFailed,
        long tasksCanceled, long tasksRejected) {}
