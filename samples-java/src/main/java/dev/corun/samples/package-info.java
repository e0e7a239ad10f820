/**
 * Runnable Java programs reproducing seed 002, Swoole's "coroutine programming rules", on
 * corun: {@link dev.corun.samples.ExitInCoroutine}, {@link dev.corun.samples.ExceptionInCoroutine},
 * {@link dev.corun.samples.GlobalVariableRace} and {@link dev.corun.samples.DeadlockReport};
 * {@link dev.corun.samples.Seed002} runs them all in order.
 *
 * <p>Each sample has a {@code main} that narrates what happens and static methods that return
 * what the sample observed, so the tests can check that the sample still shows what its
 * comment promises.
 */
package dev.corun.samples;
