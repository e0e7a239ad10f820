/**
 * Runnable Java programs reproducing the seed documents' examples on corun.
 *
 * <p>Seed 002, Swoole's "coroutine programming rules": {@link dev.corun.samples.ExitInCoroutine},
 * {@link dev.corun.samples.ExceptionInCoroutine}, {@link dev.corun.samples.GlobalVariableRace}
 * and {@link dev.corun.samples.DeadlockReport}; {@link dev.corun.samples.Seed002} runs them all
 * in order.
 *
 * <p>Seed 001, "concurrent calls": {@link dev.corun.samples.ConcurrentCalls} (a
 * {@code Channel(2)}), {@link dev.corun.samples.ConcurrentCallsWithWaitGroup},
 * {@link dev.corun.samples.ProducerConsumer} (close at the end) and
 * {@link dev.corun.samples.SelectPipeline} (select with a timeout);
 * {@link dev.corun.samples.Seed001} runs them all in order. {@link dev.corun.samples.Samples},
 * the runnable jar's main, runs both seeds.
 *
 * <p>Each sample has a {@code main} that narrates what happens and static methods that return
 * what the sample observed, so the tests can check that the sample still shows what its
 * comment promises.
 */
package dev.corun.samples;
