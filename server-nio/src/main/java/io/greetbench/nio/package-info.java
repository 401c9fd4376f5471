/**
 * A hand-written NIO reactor server for the greeting protocol: {@link io.greetbench.nio.NioServer}.
 *
 * <h2>Design</h2>
 * N {@link io.greetbench.nio.Reactor}s, each a platform thread with its own {@link java.nio.channels.Selector},
 * own every connection they accept from accept to close. By default each reactor also owns an
 * {@code SO_REUSEPORT} listener on the shared address, so the kernel balances new connections
 * over the reactors and no connection crosses threads: on this kind of VM, waking a thread on
 * another CPU costs about 20 µs, more than the ~30 µs of server CPU a whole exchange needs in C.
 *
 * <p>Per exchange: accept, try one read at once, otherwise wait for OP_READ under the idle
 * timeout; on the first read (bytes or end of stream) reply from a reused direct buffer, shut the
 * output down so the FIN follows at once, discard input until end of stream or the linger
 * timeout, close. Exchanges are pooled per reactor and timeouts are intrusive FIFO lists (one
 * timeout length per list, so appending keeps them sorted), so the steady state allocates only
 * what the JDK does per socket plus the reply bytes.
 *
 * <p>The connection cap is one counter shared by the reactors; a reactor that finds it full drops
 * OP_ACCEPT, leaving clients in the kernel's backlog, and the close that frees a slot wakes it.
 * Blocking handler work runs on virtual threads and the exchange returns to its reactor's inbox.
 */
package io.greetbench.nio;
