package dev.corun.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The one place that reaches into the JDK to run virtual threads on corun's scheduler: the
 * package-private {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)} constructor,
 * and the {@code VirtualThread.carrierThread} field (to know, inside a virtual thread, which
 * carrier runs it). Both need {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it,
 * virtual threads fall back to the JDK's default scheduler and {@link #carrierOf} answers null.
 * When the JDK gains a supported custom-scheduler API, only this class changes.
 */
final class VirtualThreads {
    private static final System.Logger LOG = System.getLogger("dev.corun");

    /** {@code VirtualThread.carrierThread}, or null when java.lang is not open to us. */
    private static final VarHandle CARRIER_THREAD;
    private static final Constructor<?> BUILDER;
    private static final String UNAVAILABLE;

    static {
        VarHandle carrier = null;
        Constructor<?> builder = null;
        String why = null;
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            carrier = MethodHandles.privateLookupIn(vt, MethodHandles.lookup())
                    .findVarHandle(vt, "carrierThread", Thread.class);
            builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                    .getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            carrier = null;
            builder = null;
            why = e.toString();
        }
        CARRIER_THREAD = carrier;
        BUILDER = builder;
        UNAVAILABLE = why;
    }

    private VirtualThreads() {}

    /** True when Java coroutines run on corun's carriers rather than the JDK's default scheduler. */
    static boolean customSchedulerAvailable() {
        return BUILDER != null;
    }

    /**
     * A factory of virtual threads that the given executor schedules; the JDK's default
     * factory, after one warning naming the missing flag, when java.lang is not open.
     */
    static ThreadFactory factory(Executor scheduler) {
        if (BUILDER != null) {
            try {
                return ((Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler)).factory();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create virtual threads on the corun scheduler", e);
            }
        }
        LOG.log(System.Logger.Level.WARNING,
                "corun: Java coroutines run on the JDK's default virtual-thread scheduler, not corun's, "
                        + "because java.lang is not open to corun (" + UNAVAILABLE + "). Start the JVM with "
                        + "--add-opens java.base/java.lang=ALL-UNNAMED (runnable jars: manifest entry "
                        + "'Add-Opens: java.base/java.lang'). Kotlin coroutines are not affected.");
        return Thread.ofVirtual().factory();
    }

    /** The carrier running the given mounted virtual thread; null if unmounted or unknown. */
    static Thread carrierOf(Thread virtualThread) {
        VarHandle h = CARRIER_THREAD;
        return h == null ? null : (Thread) h.get(virtualThread);
    }
}
