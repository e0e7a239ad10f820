package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExceptionInCoroutineTest {

    @Test
    void anExceptionCaughtInItsOwnCoroutineStaysThere() {
        ExceptionInCoroutine.Caught caught = ExceptionInCoroutine.caughtInsideItsCoroutine();

        assertNotNull(caught, "the coroutine's catch did not run");
        assertTrue(caught.cid() > 0);
        assertEquals("thrown by test() in coroutine " + caught.cid(), caught.message());
    }

    @Test
    void aTryAroundCoGoDoesNotCatchTheChildsExceptionButCoRunRethrowsIt() {
        ExceptionInCoroutine.Uncaught uncaught = ExceptionInCoroutine.uncaughtCrossesNoCoroutine();

        assertFalse(uncaught.parentCaughtIt());
        assertInstanceOf(IllegalStateException.class, uncaught.rethrownByRun());
        assertEquals("thrown by test() in coroutine " + uncaught.throwerCid(), uncaught.rethrownByRun().getMessage());
    }
}
