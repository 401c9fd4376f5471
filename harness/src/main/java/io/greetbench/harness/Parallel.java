package io.greetbench.harness;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a few blocking tasks at once (starting or stopping server JVMs, driving the hosts of a
 * fleet), each on a platform thread of its own, and returns when all have ended. The first failure
 * is rethrown only then, so nothing is left starting or stopping behind the caller's back.
 */
public final class Parallel {

    private Parallel() {
    }

    /** Runs {@code tasks} on threads named {@code threadName<n>} and waits for every one. */
    public static void run(String threadName, List<Runnable> tasks) {
        List<Future<?>> futures;
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name(threadName, 0).factory())) {
            futures = tasks.stream().<Future<?>>map(threads::submit).toList();
        }
        for (Future<?> f : futures) {
            if (f.state() == Future.State.FAILED) {
                switch (f.exceptionNow()) {
                    case RuntimeException e -> throw e;
                    case Error e -> throw e;
                    case Throwable t -> throw new IllegalStateException(t);
                }
            }
        }
    }
}
