package io.greetbench.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fork, warm-up and measurement settings every greetbench JMH benchmark shares, in one place;
 * JMH reads these annotations from the superclass. They are sized for this project's small
 * machines: one fork (the JIT profile differs between forks, so publishable numbers want
 * {@code -f 3} or more), a few seconds of warm-up. Override any of them on the command line:
 * {@code ./greetbench jmh -f 3 -wi 5 -i 10 ReplyFormatting}.
 *
 * <p>The forked JVM inherits this JVM's options, so Netty's flags reach it without repeating them.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public abstract class AbstractBenchmark {
}
