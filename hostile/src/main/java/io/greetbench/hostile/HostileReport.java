package io.greetbench.hostile;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Formats hostile-suite results: the cases x servers table, the headline figures, the details. Stateless. */
public final class HostileReport {

    private HostileReport() {
    }

    public static String table(List<HostileTarget> targets, List<HostileCase> cases, List<CaseResult> results) {
        StringBuilder sb = new StringBuilder("| case |");
        targets.forEach(t -> sb.append(' ').append(t.name()).append(" |"));
        sb.append("\n|---|");
        targets.forEach(t -> sb.append("---|"));
        sb.append('\n');
        for (HostileCase c : cases) {
            sb.append("| ").append(c.name()).append(" |");
            for (HostileTarget t : targets) {
                sb.append(' ').append(find(results, c.name(), t.name()).map(HostileReport::cellWithFigure).orElse("-")).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The cell text: the outcome and the case's headline figure. */
    private static String cellWithFigure(CaseResult r) {
        String headline = switch (r.caseName()) {
            case "held" -> r.figures().get("held connections") + " held, " + kib(r.figures().get("RSS per connection, bytes")) + " KiB/conn";
            case "out-of-fds" -> r.figures().get("CPU while starved, % of a core") + "% CPU";
            case "sigterm" -> "drain " + r.figures().get("drain ms") + " ms";
            case "hygiene" -> r.figures().get("leaked fds") + " fds / " + r.figures().get("leaked threads") + " threads leaked";
            case "burst" -> "overflows +" + r.figures().get("ListenOverflows delta");
            default -> null;
        };
        return r.cell() + (headline == null || headline.contains("null") ? "" : " (" + headline + ")");
    }

    private static String kib(String bytes) {
        if (bytes == null) {
            return "null";
        }
        return String.format("%.1f", Long.parseLong(bytes) / 1024.0);
    }

    public static String summary(List<CaseResult> results) {
        List<CaseResult> ran = results.stream().filter(r -> r.outcome() != CaseResult.Outcome.NOT_APPLICABLE).toList();
        long failed = ran.stream().filter(r -> r.outcome() == CaseResult.Outcome.FAIL).count();
        long crashes = ran.stream().filter(r -> r.outcome() == CaseResult.Outcome.CRASH).count();
        StringBuilder sb = new StringBuilder();
        sb.append("- hostile cases run: ").append(ran.size()).append(" (passed ").append(ran.size() - failed - crashes)
                .append(", failed ").append(failed).append(")\n");
        sb.append("- crashes: ").append(crashes).append('\n');
        sb.append("- leaked fds / threads after the mixed exchanges: ").append(perTarget(ran, "hygiene", r ->
                r.figures().get("leaked fds") + " / " + r.figures().get("leaked threads"))).append('\n');
        OptionalLong mostHeld = ran.stream().filter(r -> r.caseName().equals("held"))
                .map(r -> r.figures().get("held connections")).filter(v -> v != null)
                .mapToLong(Long::parseLong).max();
        sb.append("- most held connections: ").append(mostHeld.isPresent() ? mostHeld.getAsLong() : "not run")
                .append(" (").append(perTarget(ran, "held", r -> r.figures().get("held connections"))).append(")\n");
        sb.append("- RSS per held connection: ").append(perTarget(ran, "held", r -> kib(r.figures().get("RSS per connection, bytes")) + " KiB")).append('\n');
        sb.append("- CPU while out of descriptors: ").append(perTarget(ran, "out-of-fds", r -> r.figures().get("CPU while starved, % of a core") + "% of a core")).append('\n');
        sb.append("- time to drain on SIGTERM: ").append(perTarget(ran, "sigterm", r -> r.figures().get("drain ms") + " ms")).append('\n');
        return sb.toString();
    }

    private static String perTarget(List<CaseResult> ran, String caseName, Function<CaseResult, String> value) {
        String s = ran.stream().filter(r -> r.caseName().equals(caseName))
                .map(r -> r.target() + " " + value.apply(r)).collect(Collectors.joining(", "));
        return s.isEmpty() ? "not run" : s;
    }

    public static String markdown(String command, List<HostileTarget> targets, List<HostileCase> cases, List<CaseResult> results, Instant when) {
        StringBuilder sb = new StringBuilder();
        sb.append("Command: `").append(command).append("` (finished ").append(when).append(")\n\n");
        sb.append(table(targets, cases, results)).append('\n');
        sb.append(summary(results)).append('\n');
        sb.append("### Details\n\n");
        for (CaseResult r : results) {
            if (r.outcome() == CaseResult.Outcome.NOT_APPLICABLE) {
                continue;
            }
            sb.append("- **").append(r.caseName()).append(" / ").append(r.target()).append("**: ").append(r.cell())
                    .append(String.format(" in %.1f s", r.seconds()));
            if (!r.failures().isEmpty()) {
                sb.append("; failures: ").append(String.join("; ", r.failures()));
            }
            sb.append("; ").append(r.figures().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", ")));
            if (!r.notes().isEmpty()) {
                sb.append(" (").append(String.join("; ", r.notes())).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static Optional<CaseResult> find(List<CaseResult> results, String caseName, String target) {
        return results.stream().filter(r -> r.caseName().equals(caseName) && r.target().equals(target)).findFirst();
    }
}
