package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GlobalVariableRaceTest {

    @Test
    void withAGlobalSlashAAnswersWhatSlashBStored() {
        GlobalVariableRace.Responses r = GlobalVariableRace.withGlobal();

        assertEquals("b", r.a());
        assertEquals("", r.b());
    }

    @Test
    void withTheCoroutineContextSlashAAnswersItsOwnValue() {
        GlobalVariableRace.Responses r = GlobalVariableRace.withContext();

        assertEquals("a", r.a());
        assertEquals("", r.b());
    }

    @Test
    void theContextIsEmptiedWhenItsCoroutineEnds() {
        assertTrue(GlobalVariableRace.contextAfterItsCoroutineEnded().isEmpty());
    }
}
