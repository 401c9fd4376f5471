/**
 * greetbench's JMH microbenchmarks, in the role of Netty's {@code microbench}: the closed-loop,
 * in-JVM view of costs that {@code compare} measures end to end with an open-loop load generator.
 *
 * <h2>What each measures</h2>
 * <ul>
 *   <li>{@link ReplyFormattingBenchmark}: {@code Greeting.replyTo}, the one piece of formatting
 *       every server does per connection, against a baseline that only copies a reply of the same
 *       length (the least any server must do) and against the naive string concatenation it
 *       replaced. Average time per reply; {@code -prof gc} shows the bytes allocated.
 *   <li>{@link RoundTripBenchmark}: one whole exchange (connect, send a line, read the greeting to
 *       end of stream, close) against each greetbench server, four client threads at once, each
 *       reply checked byte for byte. Throughput and the sampled latency distribution. A closed
 *       loop hides queueing delays (coordinated omission): it compares what each server adds to
 *       the kernel's connect and accept, not latencies under load, which are {@code compare}'s.
 * </ul>
 *
 * <h2>Forks and placement</h2>
 * {@link AbstractBenchmark} holds the settings every benchmark shares: one fork, three warm-up and
 * five measurement iterations of two seconds, sized for small machines. The JIT's profile differs
 * between forks, so publishable numbers want {@code -f 3} or more; every setting can be overridden
 * on the command line. A fork inherits this JVM's options, so Netty's flags reach it. The round
 * trip starts its server in a JVM of its own once per trial ({@code ServerProcess}, never inside
 * the benchmark's JVM, which would share heap, GC and JIT with it) and pins the server and the
 * fork to different CPUs when there are two or more ({@code CpuPlacement}).
 *
 * <h2>Running them</h2>
 * {@code greetbench jmh} hands its arguments to JMH's own command line, so JMH's options mean what
 * JMH users expect:
 * <pre>
 *   ./greetbench jmh -l                                       list the benchmarks
 *   ./greetbench jmh ReplyFormatting -prof gc                 formatting cost and allocation
 *   ./greetbench jmh RoundTrip -p server=nio,loom -f 3 -rf json
 * </pre>
 * Benchmarks are not tests: they never run in {@code ./mvnw verify}. JMH's annotation processor
 * generates the harness classes at compile time, into this module's jar, which {@code cli} packs
 * into {@code greetbench.jar} with JMH's benchmark list.
 */
package io.greetbench.bench;
