package io.greetbench.compare;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.Serial;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;

/**
 * {@code results.json}: a {@link CompareResults} as Jackson writes it. Records become objects keyed
 * by their component names in snake_case, as the load generator's JSON is; map keys stay as they
 * are; instants are ISO-8601 strings; enums are their lower-case names ({@code "bound_by": "server"});
 * each point's bound-by readings sit among its own fields; a server's {@code capacity} is the object
 * {@code greetbench capacity --json} writes ({@code CapacityResult.json()}, its {@code @JsonValue}). A figure that could not be measured (NaN) or has no bound
 * becomes {@code null}, since JSON has no NaN. Stateless and thread-safe.
 */
public final class CompareJson {

    private static final ObjectWriter WRITER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            // Closed choices as users type them: "server", not "SERVER".
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
            .addModule(new SimpleModule("greetbench-compare")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addSerializer(Double.class, new MeasuredDoubleSerializer())
                    .addSerializer(Double.TYPE, new MeasuredDoubleSerializer()))
            .build()
            .writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator("")));

    private CompareJson() {
    }

    /** The results as indented JSON, ending with a newline. */
    public static String write(CompareResults results) {
        try {
            return WRITER.writeValueAsString(results) + "\n";
        } catch (JsonProcessingException e) {
            // The model is records, lists, maps, strings and numbers: nothing in it can fail to serialize.
            throw new IllegalStateException("cannot write the compare results as JSON", e);
        }
    }

    /**
     * Whole numbers without a fraction; others to six significant digits, more than any
     * measurement here resolves and fewer than the binary noise {@link Double#toString} prints;
     * NaN and infinities as {@code null}.
     */
    private static final class MeasuredDoubleSerializer extends StdSerializer<Double> {

        @Serial
        private static final long serialVersionUID = 1L;

        MeasuredDoubleSerializer() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double d = value;
            if (!Double.isFinite(d)) {
                gen.writeNull();
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                gen.writeNumber((long) d);
            } else {
                gen.writeNumber(new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros());
            }
        }
    }
}
