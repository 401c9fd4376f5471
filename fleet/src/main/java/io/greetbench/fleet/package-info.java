/**
 * Load from many generators: one run split into N shards on N machines, started together, and
 * merged exactly. One generator core drives about 23,000 exchanges/s here, less than a fast
 * server on a few cores can take, so a real server outgrows one load machine at once.
 *
 * <h2>Shards</h2>
 * A shard is the ordinary {@code greetbench load} with {@code --shard I/N}: it runs its share of
 * {@code -c} or {@code --held}, and in open loop rate R/N on a schedule shifted by I/R, so that
 * the shards' schedules interleave into the one even schedule of rate R (the load generator's
 * {@code Schedule.openLoop}). Its summary carries its histograms (HdrHistogram's compressed
 * encoding, base64) and names the shard; its interval log names it too. Nothing here is an agent
 * or a daemon: a shard is started by the engine the user already runs.
 *
 * <h2>Engines</h2>
 * <ul>
 *   <li>{@link SshHost}: OpenSSH. The jar is copied into each host's remote directory under its
 *       content hash, only when missing; each host's clock offset is measured over one connection
 *       ({@link ClockOffset}, the round trip halved) and its start instant corrected by it; a
 *       shard's pid file lets the fleet kill it on failure or Ctrl-C.
 *   <li>{@link LocalHost}: a process on this machine, to try a fleet out and to test.
 *   <li>{@link KubernetesFleet}: an Indexed Job ({@link IndexedJob}) through the fabric8 client;
 *       pod {@code i} gets its index in {@code JOB_COMPLETION_INDEX}, prints its summary as the
 *       last line of its log, and the fleet reads the logs. The start instant is set far enough
 *       ahead for scheduling and image pulls.
 * </ul>
 *
 * <h2>The start barrier</h2>
 * Every shard gets the same instant ({@code --start-at}, by its host's clock) and waits for it
 * before its warm-up, so all record the same window. Each measures how late it really began; a
 * shard later than {@code --start-tolerance} makes the merged run invalid, by name.
 *
 * <h2>Merging, and what is never hidden</h2>
 * {@link FleetMerge} sums counts, errors and rates and takes the percentiles from the union of the
 * shards' histograms; averaging percentiles would be wrong. A shard that died, could not be
 * reached or never reported by the deadline ({@link FleetRun}) is named, and the merged result is
 * {@code partial} and invalid: nothing is reported as complete that was not.
 *
 * <p>Threading: {@link FleetRun} coordinates on the caller's thread and gives each host a
 * platform thread of its own; {@link KubernetesFleet} polls on the caller's thread.
 */
package io.greetbench.fleet;
