/**
 * A hand-written NIO reactor server for the greeting protocol: {@link io.greetbench.nio.NioServer}.
 *
 * <h2>Design</h2>
 * N {@link io.greetbench.nio.Reactor}s, each a platform thread with its own {@link java.nio.channels.Selector},
 * own every connection they accept from accept to close. By default each reactor also owns an
 * {@code SO_REUSEPORT} listener on the shared address, so the kernel balances new connections
 * over the reactors and no connection crosses threads: on this kind of VM, waking a thread on
 * another CPU costs about 20 µs, comparable to the ~25 µs of server CPU a whole exchange costs the
 * C yardstick. The measured comparison with a single acceptor handing off is on
 * {@link io.greetbench.nio.NioServer}.
 *
 * <p>Per exchange: accept, try one read at once (under load the request is already there for
 * about two connections in three, which saves a select round trip), otherwise wait for OP_READ under the idle
 * timeout; on the first read (bytes or end of stream) reply from a reused direct buffer, shut the
 * output down so the FIN follows at once, discard input until end of stream or the linger
 * timeout, close. The end of stream is first read 2 ms after the reply, without the selector: by
 * then most clients have read the reply and closed, and a connection never registered costs no
 * epoll add and delete. Exchanges are pooled per reactor and timeouts are intrusive FIFO lists (one
 * timeout length per list, so appending keeps them sorted), so the steady state allocates only
 * what the JDK does per socket plus the reply bytes.
 *
 * <p>System calls are most of the cost on this VM, so the reactor avoids the avoidable ones:
 * closing a channel that is still registered makes the JDK call {@code getsockopt(SO_LINGER)} and
 * {@code shutdown} before deferring the close anyway, so a finished exchange's key is cancelled
 * first and the channel closed after the next select has deregistered it. What is left per
 * exchange is what the JDK and the protocol force: accept (with the JDK's {@code fcntl} and two
 * {@code getsockname}), two {@code fcntl} to make it non-blocking, read, write, {@code shutdown},
 * the read of the client's end of stream, close; and, for a client not done 2 ms after the reply,
 * one more read and an epoll add and delete.
 *
 * <p>The connection cap is one counter shared by the reactors; a reactor that finds it full drops
 * OP_ACCEPT, leaving clients in the kernel's backlog, and the close that frees a slot wakes it.
 * Blocking handler work runs on virtual threads and the exchange returns to its reactor's inbox.
 * A tail handler's delayed reply ({@code tail:<percent>:<ms>}) stays on the reactor without
 * sleeping: the exchange waits in one more deadline queue, whose first deadline bounds the select
 * timeout like the idle and linger timeouts do, and is answered from the loop when due.
 */
package io.greetbench.nio;
