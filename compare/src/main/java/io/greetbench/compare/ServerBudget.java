package io.greetbench.compare;

import io.greetbench.compare.CompareResults.BoundReading;
import io.greetbench.harness.BoundBy;
import io.greetbench.harness.CpuBudget;
import io.greetbench.harness.CpuBudget.Throttling;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.CpuQuota;
import io.greetbench.harness.ServerProcess;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * The CPU each side of a compare run may use, and who bounded each measured point. The server
 * gets its CPUs ({@link CpuPlacement}) and, when asked and permitted, a CPU quota
 * ({@link CpuBudget}) so that on any machine the server, not the generator, is what saturates;
 * {@link #start} and {@link Meter#stop} read both sides' CPU time, the wall time and the
 * throttling counters around each run, and {@link #judge} turns a reading into utilizations and
 * a {@link BoundBy}.
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

    /** Starts reading both sides' CPU around one run of a server that is inside the budget or not. */
    Meter start(ServerProcess server, boolean admitted) {
        return new Meter(server, admitted, System.nanoTime(), server.cpuNanos(), generatorProcessCpuNanos(), throttling(admitted));
    }

    /**
     * Utilizations and who bounded the run: the server's CPU over its allotment (the quota when it
     * is inside one, else the CPUs it may run on), the generator's over the CPUs it may run on.
     */
    BoundReading judge(CpuSample sample, boolean admitted) {
        double serverAllotment = admitted ? budget.orElseThrow().cpus() : placement.serverCpuCount();
        double server = BoundBy.utilization(sample.serverCpuNanos(), sample.wallNanos(), serverAllotment);
        double generator = BoundBy.utilization(sample.generatorCpuNanos(), sample.wallNanos(), placement.generatorCpuCount());
        double throttledShare = sample.throttling() == null ? Double.NaN : sample.throttling().throttledShare();
        return new BoundReading(server, generator, BoundBy.classify(server, generator, throttledShare), sample.throttling());
    }

    /**
     * CPU time of this whole process, the generator (every thread, GC and JIT included), in
     * nanoseconds. The one place it is read, so that the load generator's own figure can replace
     * it once {@code LoadResult} carries one.
     */
    static long generatorProcessCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private Throttling throttling(boolean admitted) {
        return admitted ? budget.orElseThrow().throttling() : null;
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
        private final long generator0;
        private final Throttling throttling0;

        private Meter(ServerProcess server, boolean admitted, long wall0, long server0, long generator0, Throttling throttling0) {
            this.server = server;
            this.admitted = admitted;
            this.wall0 = wall0;
            this.server0 = server0;
            this.generator0 = generator0;
            this.throttling0 = throttling0;
        }

        CpuSample stop() {
            long serverNow = server.cpuNanos();
            long generatorNow = generatorProcessCpuNanos();
            Throttling t = throttling(admitted);
            return new CpuSample(System.nanoTime() - wall0, server0 < 0 || serverNow < 0 ? -1 : serverNow - server0,
                    generator0 < 0 || generatorNow < 0 ? -1 : generatorNow - generator0,
                    t == null || throttling0 == null ? null : t.minus(throttling0));
        }
    }

    /**
     * Both sides' CPU over one or more runs, in nanoseconds (-1 when unknown), and the server's
     * throttling (null without a budget).
     */
    record CpuSample(long wallNanos, long serverCpuNanos, long generatorCpuNanos, Throttling throttling) {

        static final CpuSample NONE = new CpuSample(0, 0, 0, null);

        /** The sum, for a point measured over several repeats. */
        CpuSample plus(CpuSample other) {
            if (this == NONE) {
                return other;
            }
            return new CpuSample(wallNanos + other.wallNanos, sum(serverCpuNanos, other.serverCpuNanos),
                    sum(generatorCpuNanos, other.generatorCpuNanos),
                    throttling == null || other.throttling == null ? null : throttling.plus(other.throttling));
        }

        private static long sum(long a, long b) {
            return a < 0 || b < 0 ? -1 : a + b;
        }
    }
}
