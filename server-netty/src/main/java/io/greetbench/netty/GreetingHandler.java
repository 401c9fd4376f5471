package io.greetbench.netty;

import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connection's exchange: wait for the first read (bytes or end of stream), reply, then close
 * the way nginx's lingering close does, so that unread request bytes never turn the close into an
 * RST that could destroy the greeting before the client reads it:
 * <ol>
 *   <li>write the greeting and, once it is flushed, shut down output: the FIN leaves at once;
 *   <li>keep reading and releasing whatever the client still sends, until its end of stream or
 *       {@link ServerConfig#lingerTimeout()};
 *   <li>close.
 * </ol>
 * A connection that stays silent for {@link ServerConfig#idleTimeout()} goes through steps 2 and
 * 3 without a greeting.
 *
 * <p>Confined to the channel's event loop, except blocking {@link HandlerWork}, which runs on
 * {@code blockingWork} (virtual threads) and hands the reply back to the loop. A tail handler's
 * delayed reply is a task scheduled on the channel's own loop, held in {@code timer} like the idle
 * and linger deadlines, so the channel going inactive cancels it; the loop serves its other
 * channels meanwhile. The request is never decoded: every inbound buffer is released as soon as it
 * arrives.
 *
 * <p>Per connection it allocates little of its own: the handler is its own write listener and
 * the task of its one timer at a time (idle, tail delay or linger, told apart by {@link State}),
 * and the reply is formatted into a scratch buffer of the event loop's thread, then copied into
 * a pooled direct buffer.
 */
final class GreetingHandler extends ChannelInboundHandlerAdapter implements ChannelFutureListener, Runnable {

    private static final Logger LOG = System.getLogger(NettyServer.class.getName());

    /** The reply's bytes before they go into a pooled buffer; one per event loop thread. */
    private static final FastThreadLocal<ByteBuffer> REPLY_SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocate(Greeting.MAX_IPV4_REPLY_BYTES);
        }
    };

    private enum State { WAITING, WORKING, DRAINING }

    private final ServerConfig config;
    private final boolean ipv6Listener;
    private final Executor blockingWork;
    private State state = State.WAITING;
    private boolean inputShutdown;
    private ScheduledFuture<?> timer;
    /** Set in {@link #channelActive}; the timer and the write listener need it. */
    private ChannelHandlerContext ctx;

    /**
     * @param ipv6Listener whether the server listens on an IPv6 socket, where the reference (an
     *                     AF_INET6 Python socket) sees an IPv4 client as {@code ::ffff:a.b.c.d}
     */
    GreetingHandler(ServerConfig config, boolean ipv6Listener, Executor blockingWork) {
        this.config = config;
        this.ipv6Listener = ipv6Listener;
        this.blockingWork = blockingWork;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (config.hasIdleTimeout()) {
            timer = ctx.executor().schedule(this, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The one pending timer fired: what it means depends on the step the exchange is in. */
    @Override
    public void run() {
        timer = null;
        switch (state) {
            case WAITING -> onIdle(ctx);
            // Only a tail handler's delay is timed while working.
            case WORKING -> reply(ctx);
            case DRAINING -> ctx.close();
        }
    }

    /** The reply's write finished. */
    @Override
    public void operationComplete(ChannelFuture written) {
        if (written.isSuccess()) {
            linger(ctx);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        if (state == State.WAITING) {
            startExchange(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt != ChannelInputShutdownEvent.INSTANCE) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        inputShutdown = true;
        switch (state) {
            // End of stream before any byte is a first read too: an empty request gets greeted.
            case WAITING -> startExchange(ctx);
            // Output goes down after the reply; the close follows then.
            case WORKING -> { }
            case DRAINING -> ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // Resets and broken pipes are the client's business, not a server problem.
            LOG.log(Level.DEBUG, () -> "connection " + ctx.channel().remoteAddress() + " failed: " + cause);
        } else {
            LOG.log(cause instanceof Error ? Level.ERROR : Level.WARNING,
                    "connection " + ctx.channel().remoteAddress() + " failed, closing it", cause);
        }
        ctx.close();
    }

    private void startExchange(ChannelHandlerContext ctx) {
        cancelTimer();
        state = State.WORKING;
        HandlerWork work = config.handler();
        if (work.blocks()) {
            try {
                blockingWork.execute(() -> {
                    try {
                        work.perform();
                    } finally {
                        replyOnLoop(ctx);
                    }
                });
            } catch (RejectedExecutionException e) {
                // The server is past its shutdown grace and is closing every connection anyway.
                ctx.close();
            }
        } else if (work.delays()) {
            long delayNanos = work.drawDelayNanos();
            if (delayNanos == 0) {
                reply(ctx);
                return;
            }
            try {
                timer = ctx.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down: the server is past its grace, closing everything.
                ctx.close();
            }
        } else {
            // cpu work runs here on purpose: it shows how an event loop shares its core.
            work.perform();
            reply(ctx);
        }
    }

    private void replyOnLoop(ChannelHandlerContext ctx) {
        try {
            ctx.executor().execute(() -> reply(ctx));
        } catch (RejectedExecutionException e) {
            // The server is past its shutdown grace and its loops are gone; the channel is closed.
        }
    }

    private void reply(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        InetSocketAddress peer = peer(ctx);
        ByteBuffer scratch = REPLY_SCRATCH.get().clear();
        ByteBuf out;
        if (Greeting.putReply(peer, scratch)) {
            out = ctx.alloc().ioBuffer(scratch.position()).writeBytes(scratch.array(), 0, scratch.position());
        } else {
            byte[] greeting = Greeting.replyTo(peer);
            out = ctx.alloc().ioBuffer(greeting.length).writeBytes(greeting);
        }
        ctx.writeAndFlush(out).addListener(this);
    }

    private void onIdle(ChannelHandlerContext ctx) {
        timer = null;
        if (state == State.WAITING) {
            LOG.log(Level.DEBUG, () -> "connection " + ctx.channel().remoteAddress() + " idle, closing it without a greeting");
            linger(ctx);
        }
    }

    private void linger(ChannelHandlerContext ctx) {
        state = State.DRAINING;
        if (inputShutdown) {
            ctx.close();
            return;
        }
        // From here on the client's end of stream only means "close": with half-closure still
        // allowed, Netty would first shutdown(SHUT_RD) a socket that is already closed both ways,
        // which fails with ENOTCONN and costs a system call and an exception per connection.
        ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        if (ctx.channel() instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            // Netty's shutdownOutput() builds a ChannelOutputShutdownException, stack trace and
            // all, to fail the writes still queued: about 1 KiB and a stack walk per connection,
            // for a queue that is empty here (the reply's write has completed). The socket's own
            // shutdown is the same system call, and the channel reads its state from the socket.
            try {
                socket.shutdown(false, true);
            } catch (IOException | NotYetConnectedException e) {
                // The client reset first (ENOTCONN comes as NotYetConnectedException): as Netty's
                // failed shutdown promise would, close.
                ctx.close();
                return;
            }
        } else {
            ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        timer = ctx.executor().schedule(this, config.lingerTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private InetSocketAddress peer(ChannelHandlerContext ctx) {
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        if (ipv6Listener && peer.getAddress() instanceof Inet4Address v4) {
            // Java (and Netty's native transports) unmap ::ffff:a.b.c.d to an Inet4Address; Python
            // on an AF_INET6 socket does not.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
            try {
                return new InetSocketAddress(Inet6Address.getByAddress(null, mapped, 0), peer.getPort());
            } catch (UnknownHostException e) {
                throw new AssertionError("a 16-byte address is always valid", e);
            }
        }
        return peer;
    }
}
