/**
 * The greeting server on Netty 4.2: {@link io.greetbench.netty.NettyServer} on the transport
 * chosen by {@link io.greetbench.netty.NettyTransport} (epoll, io_uring or NIO).
 *
 * <h2>One exchange</h2>
 * {@link io.greetbench.netty.GreetingHandler} replies to the first read, whatever it holds,
 * without decoding it, and releases every inbound buffer at once. Half-closure is allowed
 * ({@code ALLOW_HALF_CLOSURE}) so that an empty request ended by the client's FIN still reaches
 * the handler as an event instead of closing the channel. After the reply the handler shuts
 * down output (the FIN leaves at once), keeps reading and releasing until the client's end of
 * stream or the linger timeout, then closes: closing a socket with unread input makes Linux send
 * an RST, which can destroy a greeting the client has not read yet.
 *
 * <h2>Threads and listeners</h2>
 * Every connection lives on one event loop from accept to close. By default each loop has its own
 * listening socket ({@code SO_REUSEPORT}) and keeps the connections it accepts, so no connection
 * crosses threads; Netty's classic single acceptor loop, which hands every connection to a
 * worker loop, is kept as {@code ListenerLayout.ACCEPTOR_LOOP} for comparison. Blocking handler
 * work runs on virtual threads and comes back to the connection's loop to reply. A tail
 * handler's delayed reply is scheduled on the connection's own loop ({@code schedule}, no thread
 * sleeps), cancelled if the channel closes first; a loop shut down past the grace period drops it
 * with its channel.
 *
 * <h2>Defences</h2>
 * The connection cap and the accept back-off both act through the listeners' {@code autoRead}
 * ({@link io.greetbench.netty.ListenerHandler}): a listener that does not read leaves new
 * connections in the kernel's backlog. Netty's own reaction to a failed accept (a fixed 1 s pause
 * and a stack trace each time) is replaced by the protocol's bounded back-off and logging.
 */
package io.greetbench.netty;
