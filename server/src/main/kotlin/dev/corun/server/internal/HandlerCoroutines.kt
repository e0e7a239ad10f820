package dev.corun.server.internal

import dev.corun.CoRunnable
import dev.corun.internal.Coroutine
import dev.corun.internal.CorunRuntime
import dev.corun.internal.startGo
import kotlinx.coroutines.CoroutineScope
import java.util.function.Consumer

/**
 * How the servers run one handler call (an HTTP request, a TCP event, a task) as a corun
 * coroutine of its own, in Java or Kotlin.
 *
 * A handler coroutine belongs to no run (a server outlives any `Co.run`), has its own id, is
 * marked as a server handler (so `Co.exit` inside it carries `EXIT_IN_SERVER`), and never fails
 * "uncaught": whatever its body throws goes back to the server, which answers the request (500)
 * or reports the event, and keeps serving. Invariant: every record created here ends exactly
 * once, whether the body ran, threw, or was cancelled before it started.
 */
public object HandlerCoroutines {

    /**
     * Starts [body] as a Java coroutine named [name] and returns its id at once. What the body
     * throws is handed to [onFailure], on the handler's own coroutine (so `Co.getCid()` there is
     * still the handler's id, for the log line).
     *
     * @throws IllegalStateException past `CoOptions.maxCoroutines`: the server should refuse the call
     */
    @JvmStatic
    public fun goJava(name: String, body: CoRunnable, onFailure: Consumer<Throwable>): Long =
        goJava(Coroutine.current(), name, body, onFailure)

    /**
     * [goJava]; with [here], the coroutine's first run happens on the calling thread, a server's
     * reactor, up to its first park or yield (`CorunRuntime.goHere`), and the id is returned
     * after that.
     */
    @JvmStatic
    public fun goJava(name: String, here: Boolean, body: CoRunnable, onFailure: Consumer<Throwable>): Long =
        if (here) CorunRuntime.get().goHere(Coroutine.current(), name, handlerBody(body, onFailure))
        else goJava(name, body, onFailure)

    /**
     * [goJava] with a given [parent] (null: none), from any thread: a task's finish handler runs
     * as a child of the coroutine that dispatched the task, started when the result arrives.
     */
    @JvmStatic
    public fun goJava(parent: Coroutine?, name: String, body: CoRunnable, onFailure: Consumer<Throwable>): Long =
        CorunRuntime.get().go(parent, name, handlerBody(body, onFailure))

    private fun handlerBody(body: CoRunnable, onFailure: Consumer<Throwable>) = CoRunnable {
        Coroutine.current().markServerHandler()
        try {
            body.run()
        } catch (t: Throwable) {
            onFailure.accept(t)
        }
    }

    /**
     * Starts [block] as a Kotlin coroutine of its own on the corun dispatcher, a child of
     * [parent] (null: none), and returns its id; the caller does not wait for it to end. With
     * [undispatched], the block first runs on the calling thread up to its first suspension
     * (`CoroutineStart.UNDISPATCHED`), and the id is returned after that. The block handles its
     * own failures: what escapes it is reported as an uncaught coroutine failure with its id.
     *
     * @throws IllegalStateException past `CoOptions.maxCoroutines`: the server should report the call
     */
    public fun goKotlin(parent: Coroutine?, name: String, undispatched: Boolean = false, block: suspend CoroutineScope.() -> Unit): Long {
        val record = CorunRuntime.get().newKotlin(parent, name)
        record.markServerHandler()
        startGo(record, undispatched, block)
        return record.cid()
    }
}
