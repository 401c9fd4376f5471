package io.greetbench.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A shard on a machine reached with the OpenSSH client ({@code ssh}), the way lab machines are
 * reached: the user's keys, agent and {@code ~/.ssh/config} apply, and nothing but a JDK and a
 * POSIX shell is needed there. The jar goes into the host's {@code --remote-dir} under a name
 * that carries its content hash, so a host keeps one copy per build and a changed build is
 * copied again.
 *
 * <p>Every remote step is one {@code ssh} command; no daemon is left behind. A shard's shell
 * writes its pid to {@code <tag>.pid} and then {@code exec}s java, so that {@link #kill} stops the
 * JVM itself even when the ssh connection is already gone.
 *
 * <p>Thread-safe: its state is fixed at construction except {@link #copied}, written once.
 */
public final class SshHost implements ShardHost {

    private static final int CLOCK_SAMPLES = 8;
    private static final long SSH_STEP_TIMEOUT_SECONDS = 120;

    private final String destination;
    private final List<String> sshOptions;
    private final String remoteDir;
    private final List<String> remoteJava;
    private volatile boolean copied;

    /**
     * @param destination {@code [user@]host}, as ssh takes it
     * @param sshOptions  extra ssh options (an identity file, a port, known-hosts settings)
     * @param remoteDir   the directory there for the jar and the shards' files
     * @param remoteJava  the java command there and its JVM flags
     */
    public SshHost(String destination, List<String> sshOptions, String remoteDir, List<String> remoteJava) {
        this.destination = destination;
        this.sshOptions = List.copyOf(sshOptions);
        this.remoteDir = remoteDir.endsWith("/") && remoteDir.length() > 1 ? remoteDir.substring(0, remoteDir.length() - 1) : remoteDir;
        this.remoteJava = List.copyOf(remoteJava);
    }

    @Override
    public String name() {
        return destination;
    }

    /** Whether {@link #install} copied the jar (it was missing there) rather than finding it. */
    public boolean copied() {
        return copied;
    }

    @Override
    public String install(Path jar) throws IOException {
        String remoteJar = remoteDir + "/greetbench-" + shortHash(jar) + ".jar";
        String check = "mkdir -p " + quote(remoteDir) + " && if [ -f " + quote(remoteJar) + " ]; then echo present; else echo missing; fi";
        String answer = new String(runChecked(check, null), StandardCharsets.UTF_8).trim();
        if (answer.equals("missing")) {
            String part = remoteJar + ".part";
            runChecked("cat > " + quote(part) + " && mv " + quote(part) + " " + quote(remoteJar), jar);
            copied = true;
        } else if (!answer.equals("present")) {
            throw new IOException(destination + ": unexpected answer while looking for the jar: " + answer);
        }
        return remoteJar;
    }

    @Override
    public ClockOffset clockOffset() throws IOException {
        // One connection, several questions: the connection's set-up stays out of the round trips.
        // bash answers from $EPOCHREALTIME (microseconds, no process start); plain sh runs date.
        String loop = "if command -v bash >/dev/null 2>&1; then exec bash -c 'while read -r _; do echo $EPOCHREALTIME; done'; "
                + "else while read -r _; do date +%s.%N; done; fi";
        Process p = new ProcessBuilder(ssh(loop)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (PrintWriter ask = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
             BufferedReader answers = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<ClockOffset.Sample> samples = new ArrayList<>();
            for (int i = 0; i < CLOCK_SAMPLES; i++) {
                long sent = epochNanos();
                ask.println("t");
                String line = answers.readLine();
                long received = epochNanos();
                if (line == null) {
                    throw new IOException(destination + ": the clock probe ended early (is ssh working? try ssh " + destination + " true)");
                }
                samples.add(new ClockOffset.Sample(sent, parseEpochSeconds(line.trim()), received));
            }
            return ClockOffset.estimate(samples);
        } finally {
            p.destroy();
        }
    }

    @Override
    public String workDir() {
        return remoteDir;
    }

    @Override
    public Process start(String installedJar, List<String> arguments, String shardTag, Path log) throws IOException {
        StringBuilder command = new StringBuilder();
        command.append("mkdir -p ").append(quote(remoteDir)).append(" && cd ").append(quote(remoteDir))
                .append(" && echo $$ > ").append(quote(shardTag + ".pid")).append(" && exec");
        for (String word : remoteJava) {
            command.append(' ').append(quote(word));
        }
        command.append(" -jar ").append(quote(installedJar));
        for (String a : arguments) {
            command.append(' ').append(quote(a));
        }
        return new ProcessBuilder(ssh(command.toString())).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    }

    @Override
    public Optional<byte[]> fetch(String path) throws IOException {
        Process p = new ProcessBuilder(ssh("cat " + quote(path) + " 2>/dev/null")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] bytes = p.getInputStream().readAllBytes();
        int exit = waitFor(p);
        return exit == 0 ? Optional.of(bytes) : Optional.empty();
    }

    @Override
    public void kill(String shardTag) {
        String pidFile = remoteDir + "/" + shardTag + ".pid";
        try {
            // The shard may still be starting (its shell writes the pid file just before exec): look a few times.
            Process p = new ProcessBuilder(ssh("for i in 1 2 3 4 5 6; do if [ -f " + quote(pidFile) + " ]; then kill $(cat "
                    + quote(pidFile) + ") 2>/dev/null; exit 0; fi; sleep 0.5; done; true"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // The host is unreachable: nothing more can be done from here, and the caller reports the shard.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The ssh command line for one remote shell command. */
    List<String> ssh(String remoteCommand) {
        List<String> command = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"));
        command.addAll(sshOptions);
        command.add(destination);
        command.add(remoteCommand);
        return command;
    }

    private byte[] runChecked(String remoteCommand, Path stdin) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ssh(remoteCommand)).redirectError(ProcessBuilder.Redirect.PIPE);
        Process p = builder.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                Files.copy(stdin, in);
            }
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = waitFor(p);
        if (exit != 0) {
            throw new IOException(destination + ": ssh failed (exit " + exit + ")" + (err.isEmpty() ? "" : ": " + err.lines().reduce((a, b) -> b).orElse(err)));
        }
        return out;
    }

    private static int waitFor(Process p) throws IOException {
        try {
            if (!p.waitFor(SSH_STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("ssh did not finish within " + SSH_STEP_TIMEOUT_SECONDS + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for ssh", e);
        }
    }

    /** {@code 1733400000.123456} (bash, microseconds; a comma where the locale says so) or date's nanoseconds. */
    static long parseEpochSeconds(String text) throws IOException {
        String t = text.replace(',', '.');
        int dot = t.indexOf('.');
        try {
            long seconds = Long.parseLong(dot < 0 ? t : t.substring(0, dot));
            long nanos = 0;
            if (dot >= 0) {
                String fraction = (t.substring(dot + 1) + "000000000").substring(0, 9);
                nanos = Long.parseLong(fraction);
            }
            return seconds * 1_000_000_000L + nanos;
        } catch (NumberFormatException e) {
            throw new IOException("not a clock reading: '" + text + "'", e);
        }
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** One word for a POSIX shell, whatever it holds. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static String shortHash(Path jar) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(jar)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
