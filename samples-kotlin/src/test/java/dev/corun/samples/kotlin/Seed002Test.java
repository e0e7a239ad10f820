package dev.corun.samples.kotlin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tutorial that {@code java -jar} prints: every section runs and says what its sample shows. */
class Seed002Test {

    @Test
    void theProgramPrintsTheFourSectionsInOrderEachWithWhatItsSampleObserved() {
        String out = printedBy(Seed002::main);

        assertInOrder(out, List.of(
                "=== 1. ",
                "status  = 1",
                "flags   = 2    (== EXIT_IN_COROUTINE: true)",
                "main read status = 123",
                "=== 2. ",
                "the parent's catch ran: false",
                "corun rethrew it once the run had ended: java.lang.IllegalStateException",
                "=== 3. ",
                "With a global:             /a answered \"b\"",
                "With Co.getContext():      /a answered \"a\"",
                "A Context after its coroutine ended: Context{}",
                "=== 4. ",
                "count = 2",
                "all coroutines (count: 2) are asleep - deadlock!"));
    }

    private static void assertInOrder(String text, List<String> parts) {
        int from = 0;
        for (String part : parts) {
            int at = text.indexOf(part, from);
            assertTrue(at >= 0, () -> "missing, or out of order: \"" + part + "\" in\n" + text);
            from = at + part.length();
        }
    }

    private static String printedBy(Runnable program) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            program.run();
        } finally {
            System.setOut(saved);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
