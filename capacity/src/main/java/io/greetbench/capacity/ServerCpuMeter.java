package io.greetbench.capacity;

import io.greetbench.harness.BadInputException;
import io.greetbench.harness.CpuBudget;
import io.greetbench.harness.ServerProcess;
import io.greetbench.loadgen.CpuPinning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the server's CPU, so a step can say whether the server was the bound. The one place the
 * search learns about the server's side: {@link #ofPid} reads any process from {@code /proc};
 * {@code compare} can pass one built from its {@link ServerProcess} and its
 * {@link io.greetbench.harness.CpuBudget} (the quota as {@link #allotment()}, the budget's counters
 * as {@link #throttling()}).
 */
public interface ServerCpuMeter {

    /** The server's side is not read: steps can only tell whether the generator was the bound. */
    ServerCpuMeter NONE = new ServerCpuMeter() {
        @Override
        public long cpuNanos() {
            return -1;
        }

        @Override
        public double allotment() {
            return 0;
        }
    };

    /** User plus system CPU time the server has used so far, in nanoseconds; negative when unreadable. */
    long cpuNanos();

    /** How many CPUs' worth of time the server may use each second: its CPU set, or its quota when smaller. */
    double allotment();

    /** The server's CPU budget's cumulative throttling counters, or null when it has no budget. */
    default CpuBudget.Throttling throttling() {
        return null;
    }

    /**
     * Process {@code pid}, read from {@code /proc/<pid>/stat}; its allotment is the size of its
     * CPU set ({@code Cpus_allowed_list}).
     *
     * @throws BadInputException naming {@code --pid} when there is no such process to read
     */
    static ServerCpuMeter ofPid(long pid) {
        if (ServerProcess.cpuNanosOf(pid) < 0) {
            throw new BadInputException("--pid " + pid + ": no such process, or its /proc/" + pid + "/stat cannot be read");
        }
        double cpus = allowedCpus(pid);
        return new ServerCpuMeter() {
            @Override
            public long cpuNanos() {
                return ServerProcess.cpuNanosOf(pid);
            }

            @Override
            public double allotment() {
                return cpus;
            }
        };
    }

    /** The size of a process's CPU set, or every CPU of this machine when it cannot be read. */
    private static int allowedCpus(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return CpuPinning.count(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Fall through to the machine's count.
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
