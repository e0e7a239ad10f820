package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.DeadlockException;
import org.junit.jupiter.api.Test;

class DeadlockReportTest {

    @Test
    void aJoinCycleIsReportedAsADeadlockOfBothCoroutines() {
        DeadlockException e = DeadlockReport.joinCycle();

        assertEquals(2, e.getCount());
        assertTrue(e.getMessage().startsWith("all coroutines (count: 2) are asleep - deadlock!"), e.getMessage());
        assertTrue(e.getMessage().contains("[child] waiting on Co.join("), e.getMessage());
    }
}
