/**
 * The greeting server as blocking thread-per-connection code, on virtual or platform threads.
 *
 * <h2>Why this module exists</h2>
 * The nio and netty servers multiplex many connections onto few threads with readiness events;
 * this one writes each exchange as straight-line blocking code (read, reply, shut down output,
 * drain until end of stream, close) and lets the thread kind carry the cost. Comparing
 * {@link io.greetbench.loom.LoomThreads#VIRTUAL} with {@link io.greetbench.loom.LoomThreads#PLATFORM}
 * on the same code isolates what virtual threads buy: parking a blocked connection (a slow
 * client, a sleeping handler) costs a little heap instead of a kernel thread, and starting one
 * costs an object instead of a {@code clone(2)}.
 *
 * <h2>Where the time goes, and the choices it drove</h2>
 * Measured as server CPU per exchange (utime + stime from {@code /proc/<pid>/stat} over a
 * closed-loop run, server and client pinned to different CPUs), with context switches per
 * exchange from {@code /proc/<pid>/task/}{@code *}{@code /status}. On this kind of VM a kernel
 * wake-up of another thread is the expensive part, so the design avoids handing a connection from
 * thread to thread:
 * <ul>
 *   <li><b>No {@code SO_TIMEOUT}.</b> A virtual thread's timed park registers with the scheduler's
 *       delay queue, whose timer thread is woken to add the timeout and again to cancel it:
 *       about four context switches per exchange in all. Instead each connection publishes the
 *       deadline of the read it is blocked in, and one {@link io.greetbench.loom.TimeoutReaper}
 *       thread closes sockets whose deadline passed (about 0.1 switches per exchange after the
 *       change, and a third less CPU).
 *   <li><b>Acceptors of the same kind as connection threads.</b> A virtual acceptor that finds a
 *       connection queued starts the connection's virtual thread on its own carrier; a platform
 *       acceptor has to wake a carrier for each one.
 *   <li><b>{@code SocketChannel}, not {@code Socket}.</b> Closing a {@code Socket} probes
 *       {@code SO_LINGER} and shuts its output down again even when that was already done; the
 *       channel remembers, which saves two system calls per exchange.
 *   <li><b>One listener, not {@code SO_REUSEPORT}.</b> See {@link io.greetbench.loom.LoomServer}:
 *       per-acceptor listeners break the connection cap.
 * </ul>
 *
 * <h2>Protocol details that shape the code</h2>
 * The connection cap is a semaphore taken before {@code accept}, so excess clients wait in the
 * kernel backlog rather than being accepted and left unserved. The drain after the reply is what
 * keeps a large request from turning the close into an RST.
 *
 * <h2>Handler work</h2>
 * Every kind runs on the connection's own thread through
 * {@link io.greetbench.protocol.HandlerWork#perform()}: {@code sleep} and the delayed share of
 * {@code tail:<percent>:<ms>} simply park that thread, which holds up that exchange alone, with
 * virtual and platform threads alike (each connection has a thread of its own). A parked virtual
 * thread leaves its carrier to the others; a parked platform thread costs only its stack.
 */
package io.greetbench.loom;
