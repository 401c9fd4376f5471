package io.greetbench.hostile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many short client connections, a fixed number at a time: how the abrupt, large-request and
 * hygiene cases drive a server with blocking {@link HostileClient}s. The width bounds what is in
 * flight (sixteen abrupt clients saturate a 2-core machine; four 16 MiB writers are a memory test
 * already), and the crowd keeps the first few symptoms so a failure says what went wrong.
 *
 * <p>Threading: {@link #run} starts {@code width} virtual threads, each taking the next client
 * index until all are done, and returns once they all finished.
 */
final class ClientCrowd {

    /** How many symptoms a failed crowd quotes. */
    private static final int SAMPLES = 3;

    /** One client's turn: null when the server did what it must, else what happened instead. */
    @FunctionalInterface
    interface Turn {
        String play(int index) throws IOException;
    }

    /**
     * What the crowd saw.
     *
     * @param clients how many turns were played
     * @param wrong   how many ended with a symptom, or an I/O error on the client's side
     * @param samples the first few symptoms
     */
    record Outcome(int clients, long wrong, List<String> samples) {

        boolean allRight() {
            return wrong == 0;
        }

        /** {@code 3 of 200 <what>: [samples]}, for a failed check. */
        String describe(String what) {
            return wrong + " of " + clients + " " + what + ": " + samples;
        }
    }

    private ClientCrowd() {
    }

    /** Plays {@code clients} turns, at most {@code width} at a time. */
    static Outcome run(int clients, int width, Turn turn) throws InterruptedException, ExecutionException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong wrong = new AtomicLong();
        List<String> samples = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < width; w++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < clients; ) {
                        String symptom;
                        try {
                            symptom = turn.play(i);
                        } catch (IOException e) {
                            symptom = e.toString();
                        }
                        if (symptom != null) {
                            wrong.incrementAndGet();
                            synchronized (samples) {
                                if (samples.size() < SAMPLES) {
                                    samples.add(symptom);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        synchronized (samples) {
            return new Outcome(clients, wrong.get(), List.copyOf(samples));
        }
    }
}
