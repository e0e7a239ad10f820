package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.corun.ExitException;
import org.junit.jupiter.api.Test;

class ExitInCoroutineTest {

    @Test
    void exitDeepInTheCallsIsCaughtAtTheTopOfTheCoroutine() {
        ExitException e = ExitInCoroutine.catchExitAtTopOfCoroutine();

        assertNotNull(e, "the coroutine's catch did not run");
        assertEquals(1, e.getStatus());
        assertEquals(ExitException.EXIT_IN_COROUTINE, e.getFlags());
        assertEquals(2, e.getFlags());
    }

    @Test
    void uncaughtExitReachesTheCallerOfCoRunWithItsStatus() {
        assertEquals(123, ExitInCoroutine.exitStatusOfRun(123));
    }
}
