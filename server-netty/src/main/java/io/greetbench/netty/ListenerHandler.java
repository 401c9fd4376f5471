package io.greetbench.netty;

import io.greetbench.protocol.AcceptBackoff;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Sits in a listening channel's pipeline in front of Netty's {@code ServerBootstrapAcceptor} and
 * decides when the listener may accept: not while the {@link ConnectionGate} is full, and not
 * during an {@link AcceptBackoff} delay after a failed accept.
 *
 * <p>Why not Netty's own reaction to accept failures: {@code ServerBootstrapAcceptor.exceptionCaught}
 * turns {@code autoRead} off for a fixed 1 s and passes the exception on to the pipeline's tail,
 * which logs a warning with a full stack trace every time: one trace per second for as long as
 * descriptors stay exhausted, and a whole second without serving after every blip. This handler
 * consumes accept {@link IOException}s before they reach the acceptor, pauses for the protocol's
 * exponential back-off (1 ms to 100 ms), and logs at most one line per interval.
 *
 * <p>Confined to the listener's event loop: every field is read and written there only;
 * {@link #recheckLater()} is the one entry point for other threads.
 */
final class ListenerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(NettyServer.class.getName());

    private final ConnectionGate gate;
    private final AcceptBackoff backoff = new AcceptBackoff(LOG);
    private volatile Channel listener;
    private boolean backingOff;
    private int acceptedNotYetCounted;
    private ScheduledFuture<?> resume;

    ListenerHandler(ConnectionGate gate) {
        this.gate = gate;
        gate.register(this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        // Before registration, so the channel's first read already uses it.
        ch.config().setRecvByteBufAllocator(new AcceptCapAllocator(ch.config().getRecvByteBufAllocator(), this));
        listener = ch;
    }

    /** Called by {@link AcceptCapAllocator} for each batch of accepted connections. */
    void acceptedNotYetCounted(int count) {
        acceptedNotYetCounted += count;
    }

    /** Called by {@link AcceptCapAllocator} when a read starts: the last batch has been handed on. */
    void newAcceptBatch() {
        acceptedNotYetCounted = 0;
    }

    /** Whether one more accept would still fit under the cap, counting accepts in flight. */
    boolean hasRoomForMore() {
        return !backingOff && gate.hasRoomFor(acceptedNotYetCounted);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        if (acceptedNotYetCounted > 0) {
            acceptedNotYetCounted--;
        }
        backoff.onSuccess();
        gate.opened(child);
        if (gate.isFull()) {
            // The accept loops of all three transports check autoRead between accepts, so this
            // listener stops at once; the others stop as soon as their loops run the recheck.
            recheck();
            gate.recheckOthers(this);
        }
        ctx.fireChannelRead(child);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException failure) {
            long delayNanos = backoff.onFailure(failure);
            backingOff = true;
            recheck();
            if (resume != null) {
                // Only the latest, longest delay counts.
                resume.cancel(false);
            }
            resume = ctx.executor().schedule(() -> {
                resume = null;
                backingOff = false;
                recheck();
            }, delayNanos, TimeUnit.NANOSECONDS);
            return;
        }
        // Anything else is not an accept failure: let the acceptor and the tail see it.
        ctx.fireExceptionCaught(cause);
    }

    /** Re-evaluates whether to accept, on the listener's loop; callable from any thread. */
    void recheckLater() {
        Channel ch = listener;
        if (ch != null && ch.isOpen()) {
            try {
                ch.eventLoop().execute(this::recheck);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down with the server: there is nothing left to resume.
            }
        }
    }

    /** Whether this listener accepts now ({@code autoRead} on); readable from any thread. */
    boolean accepting() {
        Channel ch = listener;
        return ch != null && ch.isOpen() && ch.config().isAutoRead();
    }

    private void recheck() {
        Channel ch = listener;
        if (ch != null && ch.isOpen()) {
            ch.config().setAutoRead(!backingOff && !gate.isFull());
        }
    }
}
