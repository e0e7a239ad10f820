package dev.corun;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A coroutine's own key/value store (Swoole's {@code Co::getContext()}): use it instead of
 * globals for per-request state. Each coroutine has its own, created on first use, not
 * inherited by the coroutines it starts, and emptied when the coroutine ends. Safe to read
 * from other coroutines ({@link Co#getContext(long)}).
 *
 * <pre>{@code
 * static final Context.Key<String> USER = Context.key("user");
 *
 * Co.getContext().put(USER, request.get("user"));
 * ...
 * String user = Co.getContext().get(USER);
 * }</pre>
 */
public final class Context {
    private final Map<Object, Object> values = new ConcurrentHashMap<>();

    /**
     * A typed key, compared by identity: two keys with the same name are different keys.
     *
     * @param <T> the type of the value stored under this key
     */
    public static final class Key<T> {
        private final String name;

        private Key(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return "Context.Key(" + name + ")";
        }
    }

    /** A new typed key; keep it in a {@code static final} field. */
    public static <T> Key<T> key(String name) {
        return new Key<>(name);
    }

    /** The value under {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return (T) values.get(Objects.requireNonNull(key, "key"));
    }

    /** Stores {@code value} under {@code key} (a null value removes it); returns the previous value. */
    @SuppressWarnings("unchecked")
    public <T> T put(Key<T> key, T value) {
        Objects.requireNonNull(key, "key");
        return (T) (value == null ? values.remove(key) : values.put(key, value));
    }

    /** Removes and returns the value under {@code key}. */
    @SuppressWarnings("unchecked")
    public <T> T remove(Key<T> key) {
        return (T) values.remove(Objects.requireNonNull(key, "key"));
    }

    /** The value under a string key (Swoole's {@code $context['name']}), or null. */
    public Object get(String name) {
        return values.get(Objects.requireNonNull(name, "name"));
    }

    /** Stores {@code value} under a string key (a null value removes it); returns the previous value. */
    public Object put(String name, Object value) {
        Objects.requireNonNull(name, "name");
        return value == null ? values.remove(name) : values.put(name, value);
    }

    /** Removes and returns the value under a string key. */
    public Object remove(String name) {
        return values.remove(Objects.requireNonNull(name, "name"));
    }

    public boolean containsKey(Object key) {
        return values.containsKey(key);
    }

    public int size() {
        return values.size();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Removes every value; corun calls it when the coroutine ends. */
    public void clear() {
        values.clear();
    }

    @Override
    public String toString() {
        return "Context" + values;
    }
}
