package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConcurrentCallsTest {
    /** Long enough that one fetch and two fetches one after the other are far apart on a loaded machine. */
    static final Duration DELAY = Duration.ofMillis(300);

    static final Map<String, String> BOTH_BODIES = Map.of(
            "www.qq.com", "<html>www.qq.com</html>",
            "www.163.com", "<html>www.163.com</html>");

    /** At least one fetch, and well under two one after the other. */
    static void assertAboutOneFetch(Duration elapsed) {
        assertTrue(elapsed.compareTo(DELAY) >= 0, () -> "faster than one fetch: " + elapsed);
        Duration bound = DELAY.multipliedBy(3).dividedBy(2);
        assertTrue(elapsed.compareTo(bound) < 0,
                () -> "took " + elapsed.toMillis() + " ms: the fetches did not overlap (one fetch is " + DELAY.toMillis() + " ms)");
    }

    @Test
    void theHandlerPopsBothBodies() {
        ConcurrentCalls.Answer a = ConcurrentCalls.withChannel(DELAY);

        assertEquals(BOTH_BODIES, a.bodies());
    }

    @Test
    void theTwoFetchesOverlap() {
        assertAboutOneFetch(ConcurrentCalls.withChannel(DELAY).elapsed());
    }

    @Test
    void theAnswerIsTheSeedsJsonObject() {
        String json = ConcurrentCalls.withChannel(Duration.ofMillis(1)).json();

        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
        assertTrue(json.contains("\"www.qq.com\":\"<html>www.qq.com</html>\""), json);
        assertTrue(json.contains("\"www.163.com\":\"<html>www.163.com</html>\""), json);
    }
}
