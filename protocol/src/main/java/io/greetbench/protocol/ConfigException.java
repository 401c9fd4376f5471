package io.greetbench.protocol;

import java.io.Serial;

/**
 * A user-supplied setting broke its rule. The message is one line that names the parameter, so the
 * command line can print it as it is and exit with its usage code.
 */
public final class ConfigException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String parameter;

    public ConfigException(String parameter, String rule) {
        super(parameter + " " + rule);
        this.parameter = parameter;
    }

    /** The parameter's command-line spelling, such as {@code --idle-timeout}. */
    public String parameter() {
        return parameter;
    }
}
