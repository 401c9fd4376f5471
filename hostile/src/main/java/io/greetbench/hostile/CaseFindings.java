package io.greetbench.hostile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one case found: the checks that failed (with the symptom), and named figures for the
 * report. A case with no failed check passes. Threading: used by the case's thread only.
 */
public final class CaseFindings {

    private final List<String> failures = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /** Records {@code symptom} as a failure unless {@code ok}. Returns {@code ok}. */
    boolean check(boolean ok, String symptom) {
        if (!ok) {
            failures.add(symptom);
        }
        return ok;
    }

    void fail(String symptom) {
        failures.add(symptom);
    }

    void figure(String name, Object value) {
        figures.put(name, String.valueOf(value));
    }

    void note(String note) {
        notes.add(note);
    }

    List<String> failures() {
        return failures;
    }

    Map<String, String> figures() {
        return figures;
    }

    List<String> notes() {
        return notes;
    }
}
