/**
 * The greeting protocol and the contract every greetbench server implements.
 *
 * <h2>The exchange</h2>
 * One exchange is one TCP connection: the client connects and sends some bytes (or half-closes
 * without sending); the server waits for the <em>first</em> read to complete, takes at most
 * {@link io.greetbench.protocol.Greeting#MAX_REQUEST_BYTES} bytes of it, never interprets them,
 * and replies {@code Hello, <peer>!\n} where {@code <peer>} is Python's {@code repr} of the
 * socket's peer tuple, because the original server is a Python asyncio program and every
 * greetbench server must be byte-for-byte interchangeable with it.
 * {@link io.greetbench.protocol.Greeting} formats the reply, including IPv6 hosts exactly as
 * glibc's {@code inet_ntop} prints them (which is what Python shows), not as Java's
 * {@code InetAddress} does.
 *
 * <h2>Where greetbench differs from the reference, on purpose</h2>
 * After replying, a server shuts down its output at once (the FIN leaves immediately) and then
 * discards input until end of stream or {@link io.greetbench.protocol.ServerConfig#lingerTimeout()}
 * before closing: nginx's "lingering close". Closing a socket whose receive queue still holds
 * unread bytes makes the kernel send RST instead of FIN, and an RST makes the client's kernel
 * discard a greeting it has received but not yet read; draining first avoids that for any
 * request size. Idle clients are closed after {@link io.greetbench.protocol.ServerConfig#idleTimeout()};
 * open connections are capped by {@link io.greetbench.protocol.ServerConfig#maxConnections()}
 * (the excess waits in the kernel's backlog, never half-served); running out of descriptors
 * while accepting backs off ({@link io.greetbench.protocol.AcceptBackoff}) instead of spinning.
 *
 * <h2>The server contract</h2>
 * {@link io.greetbench.protocol.GreetServer}: configure with a validated
 * {@link io.greetbench.protocol.ServerConfig}, start, report the bound address (port 0 means
 * ephemeral), close gracefully. {@link io.greetbench.protocol.ConformanceCheck} drives any running
 * server through the cases of PROTOCOL.md; the abstract JUnit suite in this module's test-jar runs
 * the same cases against each in-process server.
 *
 * <h2>Simulated handler work</h2>
 * {@link io.greetbench.protocol.HandlerWork} ({@code --handler}) adds work before each reply:
 * {@code cpu} spins, {@code sleep} blocks, and {@code tail:<percent>:<ms>} holds a random share of
 * replies back to inject tail latency. Each server waits in its own model: a reactor never sleeps
 * on its loop (blocking work moves to another thread, a held reply waits on the loop's own timer),
 * while a thread per connection just sleeps, since only its own exchange waits. The suite checks
 * that held replies wait side by side and hold up nothing else.
 */
package io.greetbench.protocol;
