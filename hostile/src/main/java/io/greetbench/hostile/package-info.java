/**
 * The hostile-client reliability suite: clients that do not behave, floods, starvation and
 * shutdown under load, against every server, each checked for what the protocol promises.
 * {@code greetbench hostile} runs it; docs/reliability.md has the last run's results.
 *
 * <h2>One fresh server per case, watched from the outside</h2>
 * {@link HostileSuite} runs each {@link HostileCase} against each {@link HostileTarget}, one at a
 * time, so cases never compete for the machine. Each case names the {@code serve} options it
 * needs ({@link ServerLaunch}: short timeouts, a connection cap, a descriptor limit applied with
 * {@code prlimit} so that only the child runs short), and the suite starts a fresh server with
 * them for every run of the case, so a failure in one case cannot poison the next. The server is a child
 * process ({@link HostileServer}), read from the outside: descriptors, threads, CPU time and RSS
 * from {@code /proc/<pid>}, its connections by TCP state from {@code /proc/net/tcp}, its whole
 * stderr from a file. A Netty child always runs with paranoid leak detection, so every buffer is
 * tracked and a leak anywhere in the suite's traffic shows as {@code LEAK:} on stderr.
 *
 * <h2>What "pass" means</h2>
 * A case passes when none of its checks failed ({@link CaseFindings}). After every case, whatever
 * it checked, the suite checks the case's server: a process that died without being
 * told to is a crash, not a failure; a greetbench server must exit 0 on SIGTERM; its stderr must
 * hold no uncaught exception; a Netty server must have logged no leak. A case a target cannot take
 * (an external server accepts no {@code serve} options) is "not applicable", which is neither.
 * Limits on latency are generous on purpose (a normal client must never wait a second; timeouts may
 * run three times late): the suite runs on a small shared machine, and its point is "never held
 * up, never leaks", not a benchmark. Descriptor and thread counts settle asynchronously after
 * clients leave, so checks poll for the idle value rather than sample once, and a count that does
 * not return names what grew ({@link ServerFootprint}).
 *
 * <h2>The cases, and what each proves</h2>
 * <ul>
 *   <li>{@link SlowlorisCase}: clients dribbling a byte a second are greeted after the first byte
 *       and cut off within the linger timeout; slow clients cost nobody else anything.
 *   <li>{@link IdleCase}: clients that never send are closed with a FIN and no greeting at the
 *       idle timeout, not before.
 *   <li>{@link HalfOpenCase}: clients that send and then vanish are released by the server alone,
 *       within the linger timeout; clients that half-close without sending are greeted.
 *   <li>{@link BurstCase}: thousands of connects at once do not overflow the accept queue
 *       (the kernel's {@code ListenOverflows} counter does not move), and all are greeted.
 *   <li>{@link MaxConnectionsCase}: past {@code --max-connections}, clients wait in the backlog
 *       unserved, not half-served, and are all greeted once room is made.
 *   <li>{@link OutOfDescriptorsCase}: a server out of descriptors backs off instead of spinning
 *       (at most 5% of a core), keeps its log bounded, and serves again once descriptors return.
 *   <li>{@link AbruptCase}: resets and early closes, thousands of them, are logged nowhere, leak
 *       nothing, and hold up no one.
 *   <li>{@link LargeRequestsCase}: requests up to 16 MiB, sent before reading, get the greeting
 *       then a FIN, never an RST that would destroy the unread greeting.
 *   <li>{@link HygieneCase}: after 100,000 mixed good and hostile exchanges, descriptors and
 *       threads are back to idle and Netty's leak detector is silent.
 *   <li>{@link GracefulShutdownCase}: on SIGTERM under load, new connects are refused promptly,
 *       every request in flight is greeted, and the process exits 0 within its grace period.
 *   <li>{@link HeldConnectionsCase}: as many idle connections as the descriptor limit allows are
 *       held and then all greeted; it reports the server's RSS per held connection.
 * </ul>
 *
 * <h2>The clients</h2>
 * {@link HostileClient} is one blocking connection, well-behaved or not, that reports what the
 * server did (greeting, FIN, RST, timeout) instead of throwing. {@link ClientCrowd} runs many of
 * them on virtual threads, a bounded number at a time. {@link ConnectionFleet} drives thousands of
 * connections from one selector thread: connects issued at once (a burst), spread over several
 * loopback source addresses (one address has only about 28,000 ephemeral ports), held idle, then
 * asked for their greeting together. {@link LatencyProbe} is the normal client beside the hostile
 * ones: one exchange every 20 ms on its own thread, to show whether anyone else was held up.
 *
 * <h2>Targets</h2>
 * A target is one of greetbench's servers with its model option ({@code nio}, {@code netty:epoll},
 * {@code loom:platform}, ...), or an external command with a {@code {port}} placeholder, such as
 * the C or Python reference, or the asyncio peer that {@code compare} runs: an external server
 * takes only the cases that need no {@code serve} options.
 *
 * <h2>In the build</h2>
 * The normal test run exercises the suite's machinery and two cases at their quick size against
 * every server, and replays the fuzz corpus of {@code GreetingFuzzTest}. The whole suite at full
 * size against every server and model takes about 25 minutes; it is tagged {@code reliability} and
 * runs only in the {@code reliability} Maven profile ({@code ./mvnw -Preliability -pl cli -am verify}).
 */
package io.greetbench.hostile;
