package io.greetbench.compare;

import io.greetbench.compare.CompareResults.BoundReading;
import io.greetbench.harness.BoundBy;
import io.greetbench.harness.CpuBudget;
import io.greetbench.harness.CpuBudget.Throttling;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.CpuQuota;
import io.greetbench.harness.ServerProcess;
import io.greetbench.loadgen.LoadResult;
import java.util.Optional;

/**
 * The CPU each side of a compare run may use, and who bounded each measured point. The server
 * gets its CPUs ({@link CpuPlacement}) and, when asked and permitted, a CPU quota
 * ({@link CpuBudget}) so that on any machine the server, not the generator, is what saturates;
 * {@link #start} and {@link Meter#stop} read the server's CPU time, the wall time and the
 * throttling counters around each run and take the generator's utilization from the load result
 * (one reading, the load generator's own), and {@link #judge} turns them into utilizations and a
 * {@link BoundBy}.
 *
 * <p>Threading: confined to the thread that runs the comparison, except {@link #close()}, which
 * the budget's own shutdown hook may also run.
 */
final class ServerBudget implements AutoCloseable {

    private final CpuPlacement placement;
    private final Optional<CpuBudget> budget;
    private final String description;
    private final boolean refused;

    private ServerBudget(CpuPlacement placement, Optional<CpuBudget> budget, String description, boolean refused) {
        this.placement = placement;
        this.budget = budget;
        this.description = description;
        this.refused = refused;
    }

    /**
     * The budget the settings ask for: none with {@code --pin none} or {@code --server-cpu-quota
     * none}, and none, saying why, where the machine does not permit one.
     */
    static ServerBudget apply(CompareSettings settings, CpuPlacement placement) {
        CpuQuota quota = settings.serverCpuQuota();
        if (settings.pinning() == Pinning.NONE) {
            return new ServerBudget(placement, Optional.empty(), "no CPU budget (--pin none)", false);
        }
        if (quota.isNone()) {
            return new ServerBudget(placement, Optional.empty(), "no CPU budget (--server-cpu-quota none)", false);
        }
        return switch (CpuBudget.create("greetbench-compare-" + ProcessHandle.current().pid(), quota, CpuBudget.DEFAULT_PERIOD)) {
            case CpuBudget.Granted g -> new ServerBudget(placement, Optional.of(g.budget()), "server under " + g.budget().description(), false);
            case CpuBudget.Refused r -> new ServerBudget(placement, Optional.empty(), "NO CPU budget, so a fast server may be "
                    + "generator-bound: " + r.reason(), true);
        };
    }

    /** What was applied, for the first progress line, the provenance and the table. */
    String description() {
        return description;
    }

    /** True when a budget was asked for and refused: worth a warning. */
    boolean refused() {
        return refused;
    }

    /**
     * Puts a freshly started server under the budget; empty when done or when there is none, else
     * why not. Every server of the lineup shares the one budget: only the server being measured is
     * busy, and an idle one uses next to nothing of it.
     */
    Optional<String> admit(ServerProcess server) {
        if (budget.isEmpty()) {
            return Optional.empty();
        }
        return budget.get().admit(server.pid());
    }

    /** True when there is a budget and {@link #admit} put a server inside it. */
    boolean admitted(Optional<String> admission) {
        return budget.isPresent() && admission.isEmpty();
    }

    /** Starts reading the server's CPU around one run of a server that is inside the budget or not. */
    Meter start(ServerProcess server, boolean admitted) {
        return new Meter(server, admitted, System.nanoTime(), server.cpuNanos(), throttling(admitted));
    }

    /**
     * How many CPUs' worth of time the server may use: the quota when it is inside the budget,
     * else the CPUs it may run on. What a capacity search's server meter divides by, as
     * {@link #judge} does.
     */
    double serverAllotment(boolean admitted) {
        return admitted ? budget.orElseThrow().cpus() : placement.serverCpuCount();
    }

    /** The budget's cumulative throttling counters when the server is inside it, else null. */
    Throttling throttling(boolean admitted) {
        return admitted ? budget.orElseThrow().throttling() : null;
    }

    /**
     * Utilizations and who bounded the run: the server's CPU over its allotment (the quota when it
     * is inside one, else the CPUs it may run on), the generator's as the load results read it
     * (its whole process over the CPUs it may use), over every repeat's recorded window.
     */
    BoundReading judge(CpuSample sample, boolean admitted) {
        double server = BoundBy.utilization(sample.serverCpuNanos(), sample.wallNanos(), serverAllotment(admitted));
        double generator = sample.generatorWindowNanos() <= 0 ? Double.NaN : sample.generatorBusyNanos() / sample.generatorWindowNanos();
        double throttledShare = sample.throttling() == null ? Double.NaN : sample.throttling().throttledShare();
        return new BoundReading(server, generator, BoundBy.classify(server, generator, throttledShare), sample.throttling());
    }

    @Override
    public void close() {
        budget.ifPresent(CpuBudget::close);
    }

    /** One run's readings in progress; {@link #stop} ends it. */
    final class Meter {
        private final ServerProcess server;
        private final boolean admitted;
        private final long wall0;
        private final long server0;
        private final Throttling throttling0;

        private Meter(ServerProcess server, boolean admitted, long wall0, long server0, Throttling throttling0) {
            this.server = server;
            this.admitted = admitted;
            this.wall0 = wall0;
            this.server0 = server0;
            this.throttling0 = throttling0;
        }

        /** Ends the reading; the generator's side is what {@code load}, the run just measured, read of it. */
        CpuSample stop(LoadResult load) {
            long serverNow = server.cpuNanos();
            Throttling t = throttling(admitted);
            long window = load.elapsed().toNanos();
            return new CpuSample(System.nanoTime() - wall0, server0 < 0 || serverNow < 0 ? -1 : serverNow - server0,
                    load.generatorCpuUtilization() * window, window, t == null || throttling0 == null ? null : t.minus(throttling0));
        }
    }

    /**
     * Both sides' CPU over one or more runs, and the server's throttling (null without a budget).
     *
     * @param serverCpuNanos       the server's CPU over the runs' wall time, -1 when unknown
     * @param generatorBusyNanos   the generator's utilization times its recorded window, summed
     * @param generatorWindowNanos the recorded windows, summed: busy over window is the share
     */
    record CpuSample(long wallNanos, long serverCpuNanos, double generatorBusyNanos, long generatorWindowNanos, Throttling throttling) {

        static final CpuSample NONE = new CpuSample(0, 0, 0, 0, null);

        /** The sum, for a point measured over several repeats. */
        CpuSample plus(CpuSample other) {
            if (this == NONE) {
                return other;
            }
            return new CpuSample(wallNanos + other.wallNanos, sum(serverCpuNanos, other.serverCpuNanos),
                    generatorBusyNanos + other.generatorBusyNanos, generatorWindowNanos + other.generatorWindowNanos,
                    throttling == null || other.throttling == null ? null : throttling.plus(other.throttling));
        }

        private static long sum(long a, long b) {
            return a < 0 || b < 0 ? -1 : a + b;
        }
    }
}
