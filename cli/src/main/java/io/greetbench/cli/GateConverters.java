package io.greetbench.cli;

import io.greetbench.capacity.Slo;
import io.greetbench.gate.GateSettings;
import io.greetbench.gate.GateWorkload;
import io.greetbench.protocol.ConfigException;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The gate's typed options, parsed by the gate module's own parsers; a parser's message becomes
 * picocli's one-line error, which names the option. (Per option, not registered in {@link Main}:
 * a percentage is a {@code double}, and other commands' doubles are not percentages.)
 */
final class GateConverters {

    private GateConverters() {
    }

    /**
     * {@code p99=5ms}, parsed by {@link Slo#parse}; its message names {@code --slo}, which is
     * another command's option, so only the rule is kept (picocli names {@code --capacity-slo}).
     */
    static final class CapacitySlo implements ITypeConverter<Slo> {
        @Override
        public Slo convert(String text) {
            return parsed(t -> {
                try {
                    return Slo.parse(t);
                } catch (ConfigException e) {
                    throw new IllegalArgumentException(e.getMessage().substring(e.parameter().length()).strip(), e);
                }
            }, text);
        }
    }

    /** {@code closed:64}, {@code open:5000}, {@code open:35%}, {@code open:50%cap}. */
    static final class Workload implements ITypeConverter<GateWorkload> {
        @Override
        public GateWorkload convert(String text) {
            return parsed(GateWorkload::parse, text);
        }
    }

    /** {@code 5%} or {@code 0.05}, as a fraction. */
    static final class Percent implements ITypeConverter<Double> {
        @Override
        public Double convert(String text) {
            return parsed(GateSettings::parsePercent, text);
        }
    }

    private static <T> T parsed(Function<String, T> parser, String text) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
