package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corun.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectPipelineTest {

    private static List<Object> valuesOf(List<SelectPipeline.Event> events, String clause) {
        return events.stream().filter(e -> e.clause().equals(clause)).map(SelectPipeline.Event::value).toList();
    }

    @Test
    void theResultsClauseFiresForEverySquareInOrderThenQuitLast() {
        List<SelectPipeline.Event> events = SelectPipeline.run(5, 3);

        assertEquals(List.of(1, 4, 9, 16, 25), valuesOf(events, "results"), events::toString);
        assertEquals(List.of("done"), valuesOf(events, "quit"), events::toString);
        assertEquals("quit", events.get(events.size() - 1).clause(), events::toString);
    }

    @Test
    void theTimeoutClauseFiresWhileTheStalledJobRuns() {
        List<SelectPipeline.Event> events = SelectPipeline.run(5, 3);
        List<String> clauses = events.stream().map(e -> e.clause() + " " + e.value()).toList();

        // STALL (250 ms) is longer than PATIENCE (100 ms): at least one select between result 4 and result 9 times out
        int four = clauses.indexOf("results 4");
        int nine = clauses.indexOf("results 9");
        assertTrue(four >= 0 && nine > four + 1, events::toString);
        assertTrue(clauses.subList(four + 1, nine).contains("timeout TIMEOUT"), events::toString);
        events.stream().filter(e -> e.clause().equals("timeout"))
                .forEach(e -> assertEquals(Status.TIMEOUT, e.value()));
    }

    @Test
    void withNoStalledJobItStillEndsWithEverySquareThenQuit() {
        List<SelectPipeline.Event> events = SelectPipeline.run(3, -1);

        assertEquals(List.of(1, 4, 9), valuesOf(events, "results"), events::toString);
        assertEquals("quit", events.get(events.size() - 1).clause());
    }
}
