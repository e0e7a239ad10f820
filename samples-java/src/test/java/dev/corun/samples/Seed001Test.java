package dev.corun.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The program the runnable jar prints after seed 002: every section runs and says what its sample shows. */
class Seed001Test {

    @Test
    void theProgramPrintsTheFourSectionsInOrderEachWithWhatItsSampleObserved() {
        String out = printedBy(() -> Seed001.main(new String[0]));

        assertInOrder(out, List.of(
                "=== 1. ",
                "\"www.qq.com\":\"<html>www.qq.com</html>\"",
                "elapsed: ",
                "=== 2. ",
                "answer:  {\"www.163.com\":\"<html>www.163.com</html>\",\"www.qq.com\":\"<html>www.qq.com</html>\"}",
                "=== 3. ",
                "popped [1, 2, 3, 4, 5], then the pop reported CLOSED",
                "=== 4. ",
                "results  1",
                "results  4",
                "timeout  TIMEOUT",
                "results  9",
                "results  16",
                "results  25",
                "quit     done"));
    }

    @Test
    void theRunnableJarsMainRunsSeed002ThenSeed001() {
        String out = printedBy(() -> Samples.main(new String[0]));

        assertInOrder(out, List.of("seed 002", "=== 4. ", "seed 001", "=== 1. ", "=== 4. ", "quit     done"));
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
