package io.greetbench.nio;

import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link NioServer} standalone for measurements, before the command line can:
 * {@code java -cp <test-classes>:<classes>:<protocol.jar> io.greetbench.nio.NioServerMain PORT REACTORS [reuseport|handoff] [HANDLER]}.
 * Stops on SIGTERM/SIGINT.
 *
 * <p>Threading: main starts the server and parks; the shutdown hook closes it.
 */
final class NioServerMain {

    private NioServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int reactors = Integer.parseInt(args[1]);
        NioServer.AcceptMode mode = args.length > 2 && args[2].equals("handoff")
                ? NioServer.AcceptMode.HANDOFF : NioServer.AcceptMode.REUSEPORT;
        HandlerWork handler = args.length > 3 ? HandlerWork.parse(args[3]) : HandlerWork.NONE;
        ServerConfig config = ServerConfig.defaults().with(c -> {
            c.backlog = 4096;
            c.port = port;
            c.ioThreads = reactors;
            c.handler = handler;
        });
        NioServer server = new NioServer(config, mode);
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println(Greeting.servingLine(server.boundAddress()) + " " + server.describe());
        System.out.flush();
        stopped.await();
    }
}
