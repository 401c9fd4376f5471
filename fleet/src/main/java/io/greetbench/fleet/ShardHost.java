package io.greetbench.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where one shard of a fleet runs: a process on this machine ({@link LocalHost}) or on a machine
 * reached over OpenSSH ({@link SshHost}). The fleet drives every host through these few steps and
 * builds no agent of its own: the shard is the same {@code greetbench load} a user runs by hand.
 *
 * <p>Implementations are called from the fleet's coordinating threads, one call per host at a time.
 */
public interface ShardHost {

    /** How the host is named in progress lines and results: {@code local#1}, {@code root@10.0.0.2}. */
    String name();

    /** Makes {@code jar} runnable there, copying it when it is missing; returns its path there. */
    String install(Path jar) throws IOException;

    /** The host's clock minus this one's; {@link ClockOffset#NONE} for this machine. */
    ClockOffset clockOffset() throws IOException;

    /** A directory there for the shard's files. */
    String workDir();

    /**
     * Starts {@code java <jvmFlags> -jar <installedJar> <arguments>} there. The returned process is
     * local (the ssh client, for a remote host); its output goes to {@code log}.
     */
    Process start(String installedJar, List<String> arguments, String shardTag, Path log) throws IOException;

    /** The bytes of a file the shard wrote there, or empty when it does not exist. */
    Optional<byte[]> fetch(String path) throws IOException;

    /** Stops the shard tagged {@code shardTag} there, if it still runs. Never throws. */
    void kill(String shardTag);
}
