package dev.corun.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Co;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code CorunRuntime.go(parent, name, body)}: a child of a given coroutine, started from any thread. */
@Timeout(60)
class GoWithParentTest {

    @Test
    void aChildStartedFromAPlainThreadHasTheParentsIdAndKeepsItsRunOpen() throws Exception {
        CompletableFuture<Coroutine> parent = new CompletableFuture<>();
        CountDownLatch childStarted = new CountDownLatch(1);
        CompletableFuture<long[]> seen = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread runner = new Thread(() -> Co.run(() -> {
            parent.complete(CorunRuntime.get().find(Co.getCid()));
            childStarted.await(); // the run's main coroutine stays alive until the child exists
        }));
        runner.start();
        Coroutine p = parent.get(10, TimeUnit.SECONDS);
        CorunRuntime.get().go(p, "child", () -> {
            seen.complete(new long[] {Co.getCid(), Co.getPcid()});
            release.await();
        });
        childStarted.countDown();
        long[] ids = seen.get(10, TimeUnit.SECONDS);
        assertEquals(p.cid(), ids[1], "pcid is the given parent");
        runner.join(200);
        assertTrue(runner.isAlive(), "Co.run waits for the child, which joined the parent's run");
        release.countDown();
        runner.join(10_000);
        assertTrue(!runner.isAlive(), "Co.run returned once the child ended");
    }

    @Test
    void aChildOfAnEndedParentStandsAlone() throws Exception {
        CompletableFuture<Coroutine> parent = new CompletableFuture<>();
        Co.run(() -> parent.complete(CorunRuntime.get().find(Co.getCid())));
        Coroutine p = parent.get();
        CompletableFuture<Long> pcid = new CompletableFuture<>();
        long cid = CorunRuntime.get().go(p, null, () -> pcid.complete(Co.getPcid()));
        assertEquals(p.cid(), pcid.get(10, TimeUnit.SECONDS));
        assertEquals(dev.corun.Status.OK, Co.join(new long[] {cid}, Duration.ofSeconds(10)));
    }
}
