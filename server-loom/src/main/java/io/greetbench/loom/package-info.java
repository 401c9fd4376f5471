/**
 * The greeting server as blocking thread-per-connection code, on virtual or platform threads.
 *
 * <h2>Why this module exists</h2>
 * The nio and netty servers multiplex many connections onto few threads with readiness events;
 * this one writes each exchange as straight-line blocking code (read, reply, shut down output,
 * drain, close) and lets the thread kind carry the cost. Comparing
 * {@link io.greetbench.loom.LoomThreads#VIRTUAL} with {@link io.greetbench.loom.LoomThreads#PLATFORM}
 * on the same code isolates what virtual threads buy: cheap parking while a client is slow or a
 * handler sleeps, against the extra scheduling hop (acceptor to carrier, poller to carrier) that
 * each connection pays when it does block.
 *
 * <h2>Protocol details that shape the code</h2>
 * The idle timeout and the linger deadline are both {@code SO_TIMEOUT} on the blocking read, so no
 * timer thread is involved. The connection cap is a semaphore taken before {@code accept}, so
 * excess clients wait in the kernel backlog rather than being accepted and left unserved.
 */
package io.greetbench.loom;
