package io.greetbench.loadgen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON that {@code load --json} and {@code merge --json} write, through Jackson: keys in the
 * order they were put, one per line as {@code "key": value}, decimals rounded to three places
 * (nanosecond resolution for microseconds, millisecond resolution for seconds) and written plainly,
 * never in exponent notation; NaN and infinity become {@code null}. Scripts read the keys; the
 * layout only keeps the files easy to read and to diff.
 *
 * <p>Stateless; thread-safe (a configured Jackson mapper and writer are).
 */
public final class SummaryJson {

    private static final int DECIMALS = 3;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private SummaryJson() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code value} with three decimals, or null when it is not a finite number. */
    public static JsonNode decimal(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return NullNode.getInstance();
        }
        return DecimalNode.valueOf(BigDecimal.valueOf(value).setScale(DECIMALS, RoundingMode.HALF_UP));
    }

    /** The document, ending with a newline. */
    public static String text(JsonNode document) {
        try {
            return WRITER.writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            // A tree of plain nodes always serializes; this would be a Jackson bug.
            throw new IllegalStateException(e);
        }
    }

    /** The document on one line, without the layout. */
    static String line(JsonNode document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the document to {@code file}, creating its directory. */
    public static void write(Path file, JsonNode document) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text(document), StandardCharsets.UTF_8);
    }
}
