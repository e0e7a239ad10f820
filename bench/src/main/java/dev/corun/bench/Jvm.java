package dev.corun.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JVM flags shared by the benchmark forks and the drivers' child JVMs, and the launching of a
 * child JVM, so that each driver configuration gets a fresh runtime (corun's is a process-wide
 * singleton whose carriers are fixed at start).
 */
final class Jvm {
    /** Lets corun schedule virtual threads on its own carriers (see DESIGN.md). */
    static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** The same heap for both sides of every comparison. */
    static final String HEAP = "-Xmx4g";

    private Jvm() {}

    /** Runs {@code main} with {@code args} in a new JVM like this one (same java, classpath, flags above); returns its exit code. */
    static int runChild(Class<?> main, List<String> args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM"));
        List<String> cmd = new ArrayList<>(List.of(java, OPENS, HEAP,
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
