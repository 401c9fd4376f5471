package io.greetbench.protocol;

/** The conformance suite against protocol's own correct fixture server, so the suite is tested here too. */
class FixtureServerConformanceTest extends GreetServerConformanceSuite {

    @Override
    protected GreetServer newServer(ServerConfig config) {
        return new FixtureServer(config, FixtureServer.Flaw.NONE);
    }
}
