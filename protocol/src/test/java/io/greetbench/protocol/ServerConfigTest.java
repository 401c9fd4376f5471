package io.greetbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void shouldDefaultBacklogToTheWholeKernelSomaxconn() throws IOException {
        Path sysctl = Path.of("/proc/sys/net/core/somaxconn");
        assumeTrue(Files.isReadable(sysctl), "no /proc/sys/net/core/somaxconn here");
        // readAllLines reads with a large buffer from offset 0, unlike Files.readString.
        List<String> lines = Files.readAllLines(sysctl);
        int kernel = Integer.parseInt(lines.get(0).trim());
        assertEquals(kernel, ServerConfig.kernelSomaxconn(-1));
        assertEquals(kernel, ServerConfig.DEFAULT_BACKLOG);
    }
}
