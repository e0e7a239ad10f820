package dev.corun.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The task workers of seed 003: dispatch, results, waits, back-pressure, failures, shutdown. */
@Timeout(60)
class TcpTaskTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<TcpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        for (TcpServer s : servers) {
            s.shutdown(Duration.ofSeconds(5));
        }
    }

    private TcpServer server(TcpServerOptions o) {
        TcpServer s = new TcpServer("127.0.0.1", 0).set(o);
        servers.add(s);
        return s;
    }

    @Test
    void seed003ReceiveTaskFinishReplyWithUniqueIdsEachFinishedExactlyOnce() throws Exception {
        int clients = 16;
        int perClient = 200;
        Map<Long, AtomicInteger> finishes = new ConcurrentHashMap<>();
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        AtomicInteger childOfDispatcher = new AtomicInteger();
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(4).framing(Framing.eol()))
                .onReceive((srv, fd, r, data) -> {
                    long dispatcher = Co.getCid();
                    long id = srv.task(new String(data, UTF_8), (sv, taskId, result) -> {
                        if (Co.getPcid() == dispatcher) {
                            childOfDispatcher.incrementAndGet();
                        }
                        finishes.computeIfAbsent(taskId, k -> new AtomicInteger()).incrementAndGet();
                        sv.send(fd, result.value() + "\n");
                    });
                    assertTrue(ids.add(id), "task id " + id + " given twice");
                })
                .onTask((srv, taskId, src, data) -> {
                    assertNotEquals(-1, src, "srcWorkerId is the dispatching coroutine");
                    return data + " -> OK";
                }).start();
        List<Thread> threads = new ArrayList<>();
        LinkedBlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        for (int k = 0; k < clients; k++) {
            int client = k;
            threads.add(Thread.ofPlatform().start(() -> {
                TcpClient c = new TcpClient().framing(Framing.eol());
                try {
                    assertTrue(c.connect("127.0.0.1", s.port(), WAIT), c.errMsg());
                    Set<String> expected = new java.util.HashSet<>();
                    StringBuilder batch = new StringBuilder();
                    for (int i = 0; i < perClient; i++) {
                        batch.append("c").append(client).append('m').append(i).append('\n');
                        expected.add("c" + client + "m" + i + " -> OK");
                    }
                    assertTrue(c.send(batch.toString()));
                    for (int i = 0; i < perClient; i++) { // finishes may reply out of order
                        String line = c.recvString(WAIT);
                        assertTrue(expected.remove(line), "unexpected or repeated reply " + line + " (" + c.errMsg() + ")");
                    }
                } catch (Throwable t) {
                    errors.add(t);
                } finally {
                    c.close();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(errors.isEmpty(), () -> errors.peek().toString());
        assertEquals(clients * perClient, ids.size());
        assertEquals(ids, finishes.keySet());
        assertTrue(finishes.values().stream().allMatch(n -> n.get() == 1), "every task finished exactly once");
        assertEquals(clients * perClient, childOfDispatcher.get(), "each finish ran as a child of the dispatching coroutine");
        TcpServerStats st = s.stats();
        assertEquals(clients * perClient, st.tasksDispatched());
        assertEquals(clients * perClient, st.tasksFinished());
        assertEquals(0, st.tasksInFlight());
    }

    @Test
    void theOnFinishHandlerGetsResultsOfTasksDispatchedOutsideAnyConnection() throws Exception {
        LinkedBlockingQueue<TaskResult> results = new LinkedBlockingQueue<>();
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(2))
                .onTask((srv, id, src, data) -> {
                    srv.finish("finished " + data); // finish() wins over the return value
                    return "returned";
                })
                .onFinish((srv, id, r) -> results.add(r)).start();
        long[] ids = new long[2];
        Co.run(() -> {
            ids[0] = s.task("a");
            ids[1] = s.task("b");
        });
        Map<Long, Object> byId = new ConcurrentHashMap<>();
        for (int i = 0; i < 2; i++) {
            TaskResult r = results.poll(10, TimeUnit.SECONDS);
            assertTrue(r.isOk());
            byId.put(r.taskId(), r.value());
        }
        assertEquals(Map.of(ids[0], "finished a", ids[1], "finished b"), byId);
    }

    @Test
    void taskwaitReturnsTheResultOrTimeoutWithoutLosingTheTask() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(2))
                .onTask((srv, id, src, data) -> {
                    if (data.equals("slow")) {
                        gate.await();
                    }
                    return data + "!";
                }).start();
        Co.run(() -> {
            TaskResult fast = s.taskwait("fast", WAIT);
            assertEquals("fast!", fast.value());
            TaskResult slow = s.taskwait("slow", Duration.ofMillis(100));
            assertEquals(TaskResult.Outcome.TIMEOUT, slow.outcome());
            gate.countDown();
        });
        // the timed-out task still ran to the end
        Co.run(() -> assertEquals("again!", s.taskwait("again", WAIT).value()));
        TcpServerStats st = s.stats();
        assertEquals(3, st.tasksDispatched());
    }

    @Test
    void taskCoWithOneSlowTaskReportsThatSlotAsTimedOutAndTheOthersAsDone() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(4))
                .onTask((srv, id, src, data) -> {
                    if (data.equals(2)) {
                        gate.await();
                    }
                    return (Integer) data * 10;
                }).start();
        List<TaskResult> results = new ArrayList<>();
        long start = System.nanoTime();
        Co.run(() -> results.addAll(s.taskCo(List.of(1, 2, 3), Duration.ofMillis(300))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        gate.countDown();
        assertEquals(3, results.size());
        assertEquals(10, results.get(0).value());
        assertEquals(TaskResult.Outcome.TIMEOUT, results.get(1).outcome());
        assertEquals(30, results.get(2).value());
        assertTrue(tookMs < 5000, "taskCo returned at its timeout, not when the slow task ended: " + tookMs + " ms");
        List<TaskResult> multi = new ArrayList<>();
        Co.run(() -> multi.addAll(s.taskWaitMulti(List.of(4, 5), WAIT)));
        assertEquals(List.of(40, 50), multi.stream().map(TaskResult::value).toList());
    }

    @Test
    void aFullPoolParksTheDispatcherUntilAWorkerIsFree() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(1).taskQueueCapacity(1))
                .onTask((srv, id, src, data) -> {
                    running.countDown();
                    gate.await();
                    return data;
                }).start();
        CountDownLatch third = new CountDownLatch(1);
        Co.go(() -> {
            s.task("1");       // runs, blocked on the gate
            running.await();
            s.task("2");       // queued
            s.task("3");       // parks: one running, one queued
            third.countDown();
        });
        assertFalse(third.await(300, TimeUnit.MILLISECONDS), "the third task() returned while the pool was full");
        assertEquals(1, s.stats().tasksQueued());
        gate.countDown();
        assertTrue(third.await(10, TimeUnit.SECONDS), "the third task() returned once a slot freed");
    }

    @Test
    void aFullPoolWithTheFailPolicyThrowsAClearException() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(1).taskQueueCapacity(1)
                .taskOverflow(TcpServerOptions.TaskOverflow.FAIL))
                .onTask((srv, id, src, data) -> {
                    running.countDown();
                    gate.await();
                    return data;
                }).start();
        Co.run(() -> {
            s.task("1");
            running.await();
            s.task("2");
            TaskPoolFullException e = assertThrows(TaskPoolFullException.class, () -> s.task("3"));
            assertTrue(e.getMessage().contains("task pool is full"), e.getMessage());
            gate.countDown();
        });
        assertEquals(1, s.stats().tasksRejected());
        assertEquals(2, s.stats().tasksDispatched());
    }

    @Test
    void aThrowingTaskReportsItsFailureToTheFinishCallbackAndToTaskwait() throws Exception {
        LinkedBlockingQueue<TaskResult> finished = new LinkedBlockingQueue<>();
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(2))
                .onTask((srv, id, src, data) -> {
                    throw new IllegalArgumentException("bad task " + data);
                }).start();
        Co.run(() -> {
            s.task("x", (srv, id, r) -> finished.add(r));
            TaskResult w = s.taskwait("y", WAIT);
            assertEquals(TaskResult.Outcome.FAILED, w.outcome());
            assertEquals("bad task y", w.failure().getMessage());
        });
        TaskResult r = finished.poll(10, TimeUnit.SECONDS);
        assertEquals(TaskResult.Outcome.FAILED, r.outcome());
        assertInstanceOf(IllegalArgumentException.class, r.failure());
        assertEquals(2, s.stats().tasksFailed());
    }

    @Test
    void tasksOnPlatformThreadsWhenCoroutinesAreOff() throws Exception {
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(2).taskEnableCoroutine(false))
                .onTask((srv, id, src, data) -> Thread.currentThread().isVirtual() + " " + Co.getCid()).start();
        Co.run(() -> assertEquals("false -1", s.taskwait("x", WAIT).value()));
    }

    @Test
    void gracefulShutdownLetsTasksInFlightFinishAndReportsTheOnesThatCannot() throws Exception {
        int quick = 40;
        CountDownLatch never = new CountDownLatch(1);
        Map<Long, TaskResult> reported = new ConcurrentHashMap<>();
        AtomicLong duplicates = new AtomicLong();
        CountDownLatch allReported = new CountDownLatch(quick + 2);
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(3))
                .onTask((srv, id, src, data) -> {
                    if (data.equals("stuck")) {
                        never.await(); // released only after the test
                    } else {
                        Co.sleep(Duration.ofMillis(5));
                    }
                    return data;
                })
                .onFinish((srv, id, r) -> {
                    if (reported.put(id, r) != null) {
                        duplicates.incrementAndGet();
                    }
                    allReported.countDown();
                }).start();
        // Dispatched from a stand-alone coroutine: inside Co.run, the run would wait for the finish
        // coroutines it started (children of its coroutine), and so for the stuck tasks.
        CountDownLatch dispatched = new CountDownLatch(1);
        Co.go(() -> {
            s.task("stuck");
            s.task("stuck");
            for (int i = 0; i < quick; i++) {
                s.task("q" + i);
            }
            dispatched.countDown();
        });
        assertTrue(dispatched.await(10, TimeUnit.SECONDS));
        assertFalse(s.shutdown(Duration.ofSeconds(2)), "two tasks could not finish: not clean");
        assertTrue(allReported.await(10, TimeUnit.SECONDS));
        never.countDown();
        assertEquals(0, duplicates.get());
        assertEquals(quick + 2, reported.size());
        long ok = reported.values().stream().filter(TaskResult::isOk).count();
        long canceled = reported.values().stream().filter(r -> r.outcome() == TaskResult.Outcome.CANCELED).count();
        assertEquals(quick, ok);
        assertEquals(2, canceled);
        assertThrows(IllegalStateException.class, () -> s.task("late"));
    }

    @Test
    void aCleanShutdownFinishesEveryTaskInFlight() throws Exception {
        AtomicInteger finished = new AtomicInteger();
        TcpServer s = server(new TcpServerOptions().taskWorkerNum(2))
                .onTask((srv, id, src, data) -> {
                    Co.sleep(Duration.ofMillis(2));
                    return data;
                })
                .onFinish((srv, id, r) -> {
                    if (r.isOk()) {
                        finished.incrementAndGet();
                    }
                }).start();
        Co.run(() -> {
            for (int i = 0; i < 100; i++) {
                s.task(i);
            }
        });
        assertTrue(s.shutdown(Duration.ofSeconds(30)));
        assertEquals(100, s.stats().tasksFinished());
        assertEquals(0, s.stats().tasksCanceled());
    }

    @Test
    void taskNeedsATaskPoolAndATaskHandler() throws Exception {
        TcpServer noPool = server(new TcpServerOptions()).start();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> noPool.task("x"));
        assertTrue(e.getMessage().contains("taskWorkerNum"), e.getMessage());
        TcpServer noHandler = server(new TcpServerOptions().taskWorkerNum(1));
        IllegalStateException e2 = assertThrows(IllegalStateException.class, noHandler::start);
        assertTrue(e2.getMessage().contains("onTask"), e2.getMessage());
        assertThrows(IllegalStateException.class, () -> noPool.finish("x"));
    }
}
