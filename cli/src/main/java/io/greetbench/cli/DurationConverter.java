package io.greetbench.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses durations as people type them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h},
 * {@code 250us}, or a bare {@code 0}. Negative values are rejected by the option that uses them,
 * which knows its rule; this only rejects what is not a duration at all.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern FORMAT = Pattern.compile("(-?\\d+)(us|ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration (use e.g. 500ms, 10s, 2m, 1h, or 0)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too large");
        }
        String unit = m.group(2);
        if (unit == null) {
            if (n != 0) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' needs a unit (us, ms, s, m, h)");
            }
            return Duration.ZERO;
        }
        return switch (unit) {
            case "us" -> Duration.ofNanos(n * 1_000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
