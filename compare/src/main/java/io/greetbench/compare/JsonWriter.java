package io.greetbench.compare;

import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a results model as JSON: records become objects keyed by their component names in
 * snake_case, as the load generator's JSON is; collections become arrays; maps become objects.
 * Hand-written because the whole model is records and a JSON library would be the project's
 * largest dependency for forty lines. NaN and infinities become {@code null}. Stateless.
 */
public final class JsonWriter {

    private JsonWriter() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder(16 * 1024);
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, int indent) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(out, s);
            case Boolean b -> out.append(b);
            case Double d -> number(out, d);
            case Float f -> number(out, f);
            case Number n -> out.append(n);
            case Instant i -> quote(out, i.toString());
            case Enum<?> e -> quote(out, e.name().toLowerCase(Locale.ROOT));
            case Map<?, ?> map -> {
                out.append('{');
                String sep = "";
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(sep);
                    newline(out, indent + 1);
                    quote(out, String.valueOf(entry.getKey()));
                    out.append(": ");
                    write(out, entry.getValue(), indent + 1);
                    sep = ",";
                }
                if (!map.isEmpty()) {
                    newline(out, indent);
                }
                out.append('}');
            }
            case Collection<?> list -> {
                boolean flat = list.stream().allMatch(v -> v instanceof Number || v instanceof String);
                out.append('[');
                String sep = "";
                for (Object item : list) {
                    out.append(sep);
                    if (!flat) {
                        newline(out, indent + 1);
                    }
                    write(out, item, indent + 1);
                    sep = flat ? ", " : ",";
                }
                if (!flat && !list.isEmpty()) {
                    newline(out, indent);
                }
                out.append(']');
            }
            case Record record -> {
                out.append('{');
                String sep = "";
                for (RecordComponent c : record.getClass().getRecordComponents()) {
                    out.append(sep);
                    newline(out, indent + 1);
                    quote(out, snakeCase(c.getName()));
                    out.append(": ");
                    write(out, componentValue(record, c), indent + 1);
                    sep = ",";
                }
                newline(out, indent);
                out.append('}');
            }
            default -> quote(out, value.toString());
        }
    }

    private static Object componentValue(Record record, RecordComponent c) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }

    private static void number(StringBuilder out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            // Six significant digits: more than any measurement here resolves, fewer than the
            // binary noise Double.toString would print.
            out.append(new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString());
        }
    }

    private static void newline(StringBuilder out, int indent) {
        out.append('\n').append("  ".repeat(indent));
    }

    static String snakeCase(String camel) {
        StringBuilder s = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                s.append('_').append(Character.toLowerCase(c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
