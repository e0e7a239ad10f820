@file:Suppress("unused")

package dev.corun.channels.lincheck

import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.junit.jupiter.api.Test

/**
 * The same operations and model as [AbstractChannelLincheck], but Lincheck may cancel a suspended
 * send, receive or receiveCatching. It does so right after the operation suspended, in one of two
 * modes chosen per operation:
 *  - plain: if the continuation's cancel() succeeds, the operation must have had no effect
 *    (a cancelled send delivered nothing, a cancelled receive took nothing);
 *  - prompt: the operation may have been resumed already and is cancelled before it returns;
 *    the model then runs the resumption's onCancellation: an element handed to a receiver goes
 *    back to the channel ahead of the buffer (Channel's documented give-back), a sender's element
 *    stays delivered.
 * This is the guarantee `ContinuationWaiter` documents: "cancelling the coroutine completes it
 * with CANCELED first, so the primitive it waited on forgets it and hands nothing to it".
 */
abstract class AbstractChannelCancellationLincheck(capacity: Int, model: Class<*>) : ChannelOperations(capacity, model) {

    @Operation(promptCancellation = true)
    suspend fun send(@Param(name = "value") value: Int): String = doSend(value)

    @Operation(promptCancellation = true)
    suspend fun receive(): Any = doReceive()

    @Operation(promptCancellation = true)
    suspend fun receiveCatching(): Any = doReceiveCatching()

    @Test
    fun modelChecking() = modelChecking(MC_ITERATIONS, MC_INVOCATIONS)

    companion object {
        const val MC_ITERATIONS = 6
        const val MC_INVOCATIONS = 200
    }
}

class RendezvousChannelCancellationLincheckTest : AbstractChannelCancellationLincheck(0, RendezvousChannelModel::class.java)
class Buffered1ChannelCancellationLincheckTest : AbstractChannelCancellationLincheck(1, Buffered1ChannelModel::class.java)
