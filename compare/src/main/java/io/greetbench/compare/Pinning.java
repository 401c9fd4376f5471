package io.greetbench.compare;

import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.ServerCpus;
import java.util.Locale;

/** Whether compare pins the server and the generator apart, as typed after {@code --pin}. */
public enum Pinning {

    /** Separate CPUs with {@code taskset} when there are two or more; see {@link CpuPlacement#split()}. */
    AUTO,

    /** No pinning and no CPU budget: server and generator share whatever the scheduler gives them. */
    NONE;

    /**
     * Where this run puts the server and the generator; {@link #AUTO} pins this JVM as a side
     * effect. {@link #NONE} also turns the server's CPU budget off ({@link ServerBudget}).
     */
    CpuPlacement placement(ServerCpus serverCpus) {
        return this == AUTO ? CpuPlacement.split(serverCpus) : CpuPlacement.none("--pin none");
    }

    /** Parses {@code auto} or {@code none}, in any case. */
    public static Pinning parse(String text) {
        return CompareSettings.choice(values(), "--pin", text);
    }

    /** The name users type. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
