package io.greetbench.harness;

import io.greetbench.protocol.ConfigException;
import java.util.Locale;

/**
 * How much CPU time the server may use, as typed after {@code --server-cpu-quota}: a number of
 * CPUs ({@code 0.5} is half of one CPU's time, {@code 1.5} one and a half), or {@code none}.
 * It is a budget in time, not a set of CPUs: {@link CpuBudget} enforces it with the kernel's CFS
 * bandwidth control, whichever CPUs the server runs on.
 *
 * @param cpus CPUs of time per second of wall time; 0 for {@link #NONE}
 */
public record CpuQuota(double cpus) {

    public static final CpuQuota NONE = new CpuQuota(0);

    /**
     * The smallest quota accepted: CFS refuses a quota under 1 ms per period and a period over 1 s
     * ({@code kernel/sched/core.c}, {@code tg_set_cfs_bandwidth}), so 0.001 CPU is the floor.
     */
    public static final double MIN_CPUS = 0.001;

    public CpuQuota {
        if (!(cpus == 0 || cpus >= MIN_CPUS) || Double.isInfinite(cpus)) {
            throw new ConfigException("--server-cpu-quota", "must be none or a number of CPUs of at least " + MIN_CPUS + ", got " + cpus);
        }
    }

    /** Parses {@code none} or a decimal number of CPUs such as {@code 0.5}. */
    public static CpuQuota parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("none")) {
            return NONE;
        }
        double cpus;
        try {
            cpus = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new ConfigException("--server-cpu-quota", "must be none or a number of CPUs such as 0.5, got '" + text + "'");
        }
        if (!(cpus >= MIN_CPUS) || Double.isInfinite(cpus)) {
            throw new ConfigException("--server-cpu-quota", "must be at least " + MIN_CPUS + " CPU (or none), got '" + text + "'");
        }
        return new CpuQuota(cpus);
    }

    public boolean isNone() {
        return cpus == 0;
    }

    /** As typed: {@code none}, {@code 0.5}. */
    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        return cpus == Math.rint(cpus) ? String.format(Locale.ROOT, "%.0f", cpus) : Double.toString(cpus);
    }
}
