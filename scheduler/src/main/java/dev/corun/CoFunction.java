package dev.corun;

/**
 * A function run in a coroutine by {@link Co#map}; like {@link java.util.function.Function}
 * but it may throw checked exceptions.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface CoFunction<T, R> {
    R apply(T argument) throws Exception;
}
