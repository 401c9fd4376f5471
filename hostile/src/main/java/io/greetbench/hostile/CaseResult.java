package io.greetbench.hostile;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one case against one target.
 *
 * @param caseName the case
 * @param target   the target's name
 * @param outcome  pass, fail, crash (the server process died), or not applicable
 * @param failures the symptoms of the checks that failed
 * @param figures  measured values by name
 * @param notes    context for the reader (what was measured, caveats)
 * @param seconds  how long the case took
 */
public record CaseResult(String caseName, String target, Outcome outcome, List<String> failures,
                  Map<String, String> figures, List<String> notes, double seconds) {

    public enum Outcome { PASS, FAIL, CRASH, NOT_APPLICABLE }

    public CaseResult {
        failures = List.copyOf(failures);
        figures = Map.copyOf(figures);
        notes = List.copyOf(notes);
    }

    /** The table cell: {@code pass}, {@code FAIL: symptom}, ... with the case's headline figure. */
    String cell() {
        return switch (outcome) {
            case PASS -> "pass";
            case FAIL -> "FAIL";
            case CRASH -> "CRASH";
            case NOT_APPLICABLE -> "n/a";
        };
    }
}
