package dev.corun.samples;

import static dev.corun.samples.ConcurrentCallsTest.BOTH_BODIES;
import static dev.corun.samples.ConcurrentCallsTest.DELAY;
import static dev.corun.samples.ConcurrentCallsTest.assertAboutOneFetch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConcurrentCallsWithWaitGroupTest {

    @Test
    void theHandlerHasBothBodiesUnderTheirHosts() {
        ConcurrentCalls.Answer a = ConcurrentCallsWithWaitGroup.withWaitGroup(DELAY);

        assertEquals(BOTH_BODIES, a.bodies());
        assertEquals(List.of("www.163.com", "www.qq.com"), List.copyOf(a.bodies().keySet()), "sorted by host, not by arrival");
    }

    @Test
    void theTwoFetchesOverlap() {
        assertAboutOneFetch(ConcurrentCallsWithWaitGroup.withWaitGroup(DELAY).elapsed());
    }
}
