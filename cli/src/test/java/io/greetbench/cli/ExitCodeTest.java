package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.gate.GateVerdict;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.CannotListenException;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.UnreachableException;
import io.greetbench.protocol.ConfigException;
import java.net.BindException;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void shouldMapEveryTypedFailureToItsCode() {
        assertEquals(ExitCode.USAGE, ExitCode.of(new BadInputException("x")));
        assertEquals(ExitCode.UNREACHABLE, ExitCode.of(new UnreachableException("x", new ConnectException("refused"))));
        assertEquals(ExitCode.CANNOT_LISTEN, ExitCode.of(new CannotListenException("x", new BindException("Address already in use"))));
        assertEquals(ExitCode.TOOL_FAILURE, ExitCode.of(new ToolFailureException("x")));
        assertEquals(ExitCode.USAGE, ExitCode.of(new ConfigException("--port", "x")));
        assertEquals(ExitCode.TOOL_FAILURE, ExitCode.of(new IllegalStateException("a bug")));
    }

    @Test
    void shouldMapGateVerdicts() {
        assertEquals(ExitCode.INCONCLUSIVE, ExitCode.of(GateVerdict.INCONCLUSIVE, true));
        assertEquals(ExitCode.OK, ExitCode.of(GateVerdict.INCONCLUSIVE, false));
        assertEquals(ExitCode.REGRESSION, ExitCode.of(GateVerdict.REGRESSION, false));
        assertEquals(ExitCode.OK, ExitCode.of(GateVerdict.PASS, true));
    }

    @Test
    void shouldListOnlyTheCodesACommandCanEndWith() {
        Map<String, String> gate = ExitCode.helpList("gate");
        assertTrue(gate.containsKey("3") && gate.containsKey("4") && gate.containsKey("2"), gate::toString);
        assertFalse(gate.containsKey("8"), gate::toString);
        assertEquals(ExitCode.values().length, ExitCode.helpList(null).size());
    }
}
