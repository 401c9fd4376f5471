package io.greetbench.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives any running greeting server through the cases of PROTOCOL.md's "What conformance means",
 * as a client. Every case compares the exact bytes received with the reply computed from the
 * client socket's own local address ({@code getsockname}) and tells how the connection ended: FIN
 * (end of stream) or RST ({@code Connection reset}).
 *
 * <p>A case whose outcome is exactly what the Python reference does because of one of its
 * documented bugs (PROTOCOL.md's table of deliberate differences) is a
 * {@link CaseVerdict#KNOWN_DIFFERENCE}, naming the row; any other deviation is a {@link CaseVerdict#FAIL}.
 * So the check run against the reference shows its known bugs and nothing else, and run against a
 * greetbench server requires {@link CaseVerdict#PASS} everywhere.
 *
 * <p>Threading: {@link #run(Case)} and {@link #runAll()} are called from one thread at a time. Each
 * case runs on its own virtual thread; the calling thread waits for it until the case's deadline
 * and then closes the case's sockets, which unblocks any read or write, so a check never hangs,
 * whatever the server does. Every socket also has a read timeout bounded by the deadline.
 */
public final class ConformanceCheck {

    /** The cases, in the order they run. */
    public enum Case {
        NORMAL_REQUEST("normal-request"),
        EMPTY_REQUEST_HALF_CLOSE("empty-request-half-close"),
        SPLIT_REQUEST("split-request"),
        REQUEST_100_BYTES("request-100-bytes"),
        REQUEST_101_BYTES("request-101-bytes"),
        REQUEST_64_KIB("request-64KiB"),
        REQUEST_1_MIB("request-1MiB"),
        REQUEST_16_MIB("request-16MiB"),
        NON_UTF8_BYTES("non-utf8-bytes"),
        UTF8_CUT_AT_BYTE_100("utf8-cut-at-byte-100"),
        CLIENT_RESETS_AFTER_CONNECT("client-resets-after-connect"),
        CLIENT_CLOSES_BEFORE_READING("client-closes-before-reading"),
        IDLE_CLIENT("idle-client"),
        MANY_CLIENTS("many-clients"),
        IPV6("ipv6");

        private final String id;

        Case(String id) {
            this.id = id;
        }

        /** The name printed by {@code greetbench check}, such as {@code normal-request}. */
        public String id() {
            return id;
        }
    }

    public enum CaseVerdict {
        PASS("PASS"),
        FAIL("FAIL"),
        KNOWN_DIFFERENCE("KNOWN-DIFFERENCE"),
        SKIPPED("SKIP");

        private final String label;

        CaseVerdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The rows of PROTOCOL.md's table of deliberate differences that a client can observe. */
    public enum ReferenceBug {
        NOT_UTF8("bytes that are not UTF-8 are not greeted, the connection is dropped"),
        LONG_REQUEST("a request longer than 100 bytes is answered with RST, which can destroy the greeting"),
        IDLE_HELD_FOREVER("a client that never sends is held forever");

        private final String row;

        ReferenceBug(String row) {
            this.row = row;
        }

        public String row() {
            return row;
        }
    }

    /**
     * The outcome of one case.
     *
     * @param testCase the case
     * @param verdict  pass, fail, known difference or skipped
     * @param bug      for a known difference, the reference's bug it matches; else null
     * @param detail   what was observed (for a failure: expected versus got), or why it was skipped
     */
    public record Result(Case testCase, CaseVerdict verdict, ReferenceBug bug, String detail) {

        public Result {
            Objects.requireNonNull(testCase, "testCase");
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(detail, "detail");
            if ((verdict == CaseVerdict.KNOWN_DIFFERENCE) != (bug != null)) {
                throw new IllegalArgumentException("a known difference, and only it, names a reference bug");
            }
        }

        static Result pass(Case c, String detail) {
            return new Result(c, CaseVerdict.PASS, null, detail);
        }

        static Result fail(Case c, String detail) {
            return new Result(c, CaseVerdict.FAIL, null, detail);
        }

        static Result skipped(Case c, String why) {
            return new Result(c, CaseVerdict.SKIPPED, null, why);
        }

        static Result known(Case c, ReferenceBug bug, String observed) {
            return new Result(c, CaseVerdict.KNOWN_DIFFERENCE, bug, observed);
        }

        /** The line {@code greetbench check} prints for this result. */
        public String line() {
            String head = String.format("%-16s  %s", verdict.label(), testCase.id());
            return switch (verdict) {
                case PASS -> head;
                case FAIL -> head + ": " + detail;
                case KNOWN_DIFFERENCE -> head + " (reference bug: " + bug.row() + "; observed: " + detail + ")";
                case SKIPPED -> head + " (" + detail + ")";
            };
        }
    }

    /**
     * What the check needs to know.
     *
     * @param target            the server's address; an unresolved host name is resolved on
     *                          {@link #prepare()}
     * @param idleTimeoutHint   the server's idle timeout, when the caller knows it; the idle case
     *                          waits about this long plus {@code caseTimeout}, and is skipped when
     *                          this is zero (a default of 60 s is too long to wait for)
     * @param caseTimeout       how long one case may take (the idle case: on top of the hint)
     * @param concurrentClients how many clients the many-clients case holds open at once
     */
    public record Settings(InetSocketAddress target, Duration idleTimeoutHint, Duration caseTimeout, int concurrentClients) {

        public static final Duration DEFAULT_CASE_TIMEOUT = Duration.ofSeconds(10);
        public static final int DEFAULT_CONCURRENT_CLIENTS = 200;

        public Settings {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(idleTimeoutHint, "idleTimeoutHint");
            Objects.requireNonNull(caseTimeout, "caseTimeout");
            if (target.getPort() == 0) {
                throw new ConfigException("--target", "needs a port between 1 and 65535, got 0");
            }
            if (idleTimeoutHint.isNegative()) {
                throw new ConfigException("--idle-timeout-hint", "must be >= 0 (0 = unknown, skip the idle case), got " + idleTimeoutHint);
            }
            if (caseTimeout.compareTo(Duration.ofMillis(100)) < 0) {
                throw new ConfigException("--timeout", "must be at least 100ms, got " + caseTimeout);
            }
            if (concurrentClients < 1 || concurrentClients > 10_000) {
                throw new ConfigException("--clients", "must be between 1 and 10000, got " + concurrentClients);
            }
        }

        /** Default settings for {@code target}: no idle hint, 10 s per case, 200 concurrent clients. */
        public static Settings of(InetSocketAddress target) {
            return new Settings(target, Duration.ZERO, DEFAULT_CASE_TIMEOUT, DEFAULT_CONCURRENT_CLIENTS);
        }

        public Settings withIdleTimeoutHint(Duration hint) {
            return new Settings(target, hint, caseTimeout, concurrentClients);
        }

        public Settings withCaseTimeout(Duration timeout) {
            return new Settings(target, idleTimeoutHint, timeout, concurrentClients);
        }

        public Settings withConcurrentClients(int clients) {
            return new Settings(target, idleTimeoutHint, caseTimeout, clients);
        }
    }

    /** Nothing accepts connections at the target: refused, no route, or an unknown host. */
    public static final class UnreachableException extends IOException {

        @Serial
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final byte[] NORMAL_REQUEST = "Hello, server!\n".getBytes(StandardCharsets.US_ASCII);
    /** How much of a reply is kept for the report; a correct one is at most about 80 bytes. */
    private static final int MAX_KEPT_REPLY_BYTES = 512;
    /** Lets the server notice resets and early closes before the follow-up exchange. */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Settings settings;
    private InetSocketAddress target;
    /** Set by {@link #prepare()}: the server listens dual-stack, so IPv4 clients appear as ::ffff:a.b.c.d. */
    private boolean ipv4ClientsSeenMapped;

    public ConformanceCheck(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Resolves the target, makes sure something accepts connections there, and learns from one
     * exchange whether the server sees IPv4 clients as IPv4-mapped IPv6 addresses (a dual-stack
     * {@code ::} listener, where Python prints {@code ('::ffff:127.0.0.1', port, 0, 0)}). Every
     * later case then expects that same form. Runs at most once; {@link #run(Case)} calls it.
     */
    public void prepare() throws UnreachableException {
        if (target != null) {
            return;
        }
        InetSocketAddress resolved = settings.target();
        if (resolved.isUnresolved()) {
            try {
                resolved = new InetSocketAddress(InetAddress.getByName(resolved.getHostString()), resolved.getPort());
            } catch (UnknownHostException e) {
                throw new UnreachableException("unknown host " + resolved.getHostString(), e);
            }
        }
        Attempt probe = new Attempt(System.nanoTime() + settings.caseTimeout().toNanos());
        try {
            Socket socket;
            try {
                socket = probe.connect(resolved);
            } catch (ConnectException | NoRouteToHostException | SocketTimeoutException e) {
                throw new UnreachableException("nothing accepts connections at " + show(resolved) + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UnreachableException("cannot connect to " + show(resolved) + ": " + e.getMessage(), e);
            }
            Outcome outcome = probe.exchange(socket, NORMAL_REQUEST, false);
            InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
            ipv4ClientsSeenMapped = local.getAddress() instanceof Inet4Address
                    && Arrays.equals(outcome.received(), Greeting.replyTo(mapped(local)));
        } finally {
            probe.closeAll();
        }
        target = resolved;
    }

    /** True when {@link #prepare()} found that the server sees IPv4 clients as {@code ::ffff:a.b.c.d}. */
    public boolean ipv4ClientsSeenMapped() {
        return ipv4ClientsSeenMapped;
    }

    /** Runs every case, in order. */
    public List<Result> runAll() throws UnreachableException {
        List<Result> results = new ArrayList<>();
        for (Case c : Case.values()) {
            results.add(run(c));
        }
        return results;
    }

    /** One summary line: how many cases passed, differ as known, failed, were skipped. */
    public static String summary(List<Result> results) {
        long[] counts = new long[CaseVerdict.values().length];
        for (Result r : results) {
            counts[r.verdict().ordinal()]++;
        }
        return results.size() + " cases: " + counts[CaseVerdict.PASS.ordinal()] + " passed, "
                + counts[CaseVerdict.KNOWN_DIFFERENCE.ordinal()] + " known differences from the reference, "
                + counts[CaseVerdict.FAIL.ordinal()] + " failed, " + counts[CaseVerdict.SKIPPED.ordinal()] + " skipped";
    }

    /** Runs one case within its deadline. */
    public Result run(Case c) throws UnreachableException {
        prepare();
        Duration budget = settings.caseTimeout();
        if (c == Case.IDLE_CLIENT) {
            budget = budget.plus(settings.idleTimeoutHint());
        }
        Attempt attempt = new Attempt(System.nanoTime() + budget.toNanos());
        FutureTask<Result> task = new FutureTask<>(() -> body(c, attempt));
        Thread.ofVirtual().name("conformance-" + c.id()).start(task);
        try {
            // The socket timeouts end the case by the deadline; the extra second only matters when
            // a write is stuck because the server stopped reading, and closing the sockets ends it.
            return task.get(budget.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            attempt.closeAll();
            return Result.fail(c, "no outcome within " + seconds(budget) + " (the server neither answered nor closed)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            return Result.fail(c, "the check itself failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.fail(c, "interrupted");
        } finally {
            attempt.closeAll();
        }
    }

    private Result body(Case c, Attempt a) throws IOException {
        return switch (c) {
            case NORMAL_REQUEST -> single(c, a, NORMAL_REQUEST, false, null);
            case EMPTY_REQUEST_HALF_CLOSE -> single(c, a, new byte[0], true, null);
            case SPLIT_REQUEST -> splitRequest(c, a);
            case REQUEST_100_BYTES -> single(c, a, filler(100), false, ReferenceBug.LONG_REQUEST);
            case REQUEST_101_BYTES -> single(c, a, filler(101), false, ReferenceBug.LONG_REQUEST);
            case REQUEST_64_KIB -> single(c, a, filler(64 << 10), false, ReferenceBug.LONG_REQUEST);
            case REQUEST_1_MIB -> single(c, a, filler(1 << 20), false, ReferenceBug.LONG_REQUEST);
            case REQUEST_16_MIB -> single(c, a, filler(16 << 20), false, ReferenceBug.LONG_REQUEST);
            case NON_UTF8_BYTES -> single(c, a, new byte[] {(byte) 0xff, (byte) 0xfe}, false, ReferenceBug.NOT_UTF8);
            case UTF8_CUT_AT_BYTE_100 -> single(c, a, utf8CutAtByte100(), false, ReferenceBug.NOT_UTF8);
            case CLIENT_RESETS_AFTER_CONNECT -> clientResets(c, a);
            case CLIENT_CLOSES_BEFORE_READING -> clientClosesEarly(c, a);
            case IDLE_CLIENT -> idleClient(c, a);
            case MANY_CLIENTS -> manyClients(c, a);
            case IPV6 -> ipv6(c, a);
        };
    }

    /**
     * One client sends {@code request} in one write (then half-closes if asked) and reads to the
     * end. An outcome that deviates exactly as the reference's {@code bug} would is a known
     * difference.
     */
    private Result single(Case c, Attempt a, byte[] request, boolean halfClose, ReferenceBug bug) throws IOException {
        Socket socket = a.connect(target);
        Outcome outcome = a.exchange(socket, request, halfClose);
        byte[] expected = expectedReply(socket);
        if (outcome.isGreeting(expected)) {
            return Result.pass(c, outcome.describe());
        }
        if (bug != null && matchesReferenceBug(bug, outcome, expected)) {
            return Result.known(c, bug, outcome.describe());
        }
        return Result.fail(c, outcome.mismatch(expected));
    }

    /**
     * The reference's bugs, exactly as a client sees them. Not UTF-8: nothing at all, then the
     * connection ends (FIN, or RST when input was left unread). Longer than 100 bytes: the server
     * closes with unread input, so an RST ends the connection (or fails the client's write), and
     * what arrived before it is the greeting or a prefix of it, since the RST can destroy it.
     */
    static boolean matchesReferenceBug(ReferenceBug bug, Outcome outcome, byte[] expected) {
        return switch (bug) {
            case NOT_UTF8 -> outcome.received().length == 0 && outcome.totalReceived() == 0
                    && (outcome.ending() == Ending.FIN || outcome.ending() == Ending.RST)
                    && (outcome.sendFailure() == null || outcome.sendFailureIsReset());
            case LONG_REQUEST -> (outcome.ending() == Ending.RST || outcome.sendFailureIsReset())
                    && (outcome.ending() == Ending.RST || outcome.ending() == Ending.FIN)
                    && outcome.totalReceived() <= expected.length
                    && Arrays.equals(outcome.received(), 0, outcome.received().length, expected, 0, outcome.received().length);
            case IDLE_HELD_FOREVER -> outcome.ending() == Ending.TIMEOUT && outcome.totalReceived() == 0;
        };
    }

    /** {@code h}, then nothing until the reply: the server answers its first read, not a line. */
    private Result splitRequest(Case c, Attempt a) throws IOException {
        Socket socket = a.connect(target);
        byte[] expected = expectedReply(socket);
        Outcome outcome = a.exchange(socket, new byte[] {'h'}, false);
        if (!outcome.isGreeting(expected)) {
            return Result.fail(c, "after sending only 'h' (the rest held back until the reply): " + outcome.mismatch(expected));
        }
        // The rest of the request, after the reply, as a slow client would send it; the server
        // has already shut down its output and must not mind.
        try {
            socket.getOutputStream().write(new byte[] {'i', '\n'});
        } catch (IOException e) {
            // The server may have closed fully by now; the exchange itself already passed.
        }
        return Result.pass(c, outcome.describe());
    }

    /** Clients that reset at once, with and without a request; the server must keep serving. */
    private Result clientResets(Case c, Attempt a) throws IOException {
        for (int i = 0; i < 3; i++) {
            Socket socket = a.connect(target);
            if (i == 1) {
                socket.getOutputStream().write(NORMAL_REQUEST);
            }
            socket.setSoLinger(true, 0);
            socket.close();
        }
        LockSupport.parkNanos(SETTLE_NANOS);
        return followUp(c, a, "after 3 clients reset their connections");
    }

    /** Clients that send and close before the reply comes; the server must keep serving. */
    private Result clientClosesEarly(Case c, Attempt a) throws IOException {
        for (int i = 0; i < 3; i++) {
            Socket socket = a.connect(target);
            socket.getOutputStream().write(i == 2 ? filler(4096) : NORMAL_REQUEST);
            socket.close();
        }
        LockSupport.parkNanos(SETTLE_NANOS);
        return followUp(c, a, "after 3 clients closed before reading");
    }

    private Result followUp(Case c, Attempt a, String context) throws IOException {
        Socket socket;
        try {
            socket = a.connect(target);
        } catch (IOException e) {
            return Result.fail(c, context + ", a new client could not connect: " + e.getMessage());
        }
        Outcome outcome = a.exchange(socket, NORMAL_REQUEST, false);
        byte[] expected = expectedReply(socket);
        return outcome.isGreeting(expected)
                ? Result.pass(c, context + ", a new client was greeted")
                : Result.fail(c, context + ", the next normal exchange failed: " + outcome.mismatch(expected));
    }

    /** Sends nothing: after the idle timeout the server closes with a FIN and no greeting. */
    private Result idleClient(Case c, Attempt a) throws IOException {
        Duration hint = settings.idleTimeoutHint();
        if (hint.isZero()) {
            return Result.skipped(c, "the server's idle timeout is unknown; give a short one as a hint, e.g. --idle-timeout-hint 1s for a server started with --idle-timeout 1s");
        }
        // Waits past the hint by as much again (at least 3 s, at most the case timeout): timers
        // fire late on a loaded machine, but a server that holds the client that long never closes.
        Duration slack = Duration.ofSeconds(3).compareTo(hint) > 0 ? Duration.ofSeconds(3) : hint;
        if (slack.compareTo(settings.caseTimeout()) > 0) {
            slack = settings.caseTimeout();
        }
        Socket socket = a.connect(target);
        Outcome outcome = a.readToEnd(socket, null, System.nanoTime() + hint.plus(slack).toNanos());
        if (outcome.ending() == Ending.FIN && outcome.totalReceived() == 0) {
            return Result.pass(c, "closed with FIN and no greeting");
        }
        if (matchesReferenceBug(ReferenceBug.IDLE_HELD_FOREVER, outcome, new byte[0])) {
            return Result.known(c, ReferenceBug.IDLE_HELD_FOREVER,
                    "still open, nothing received, " + seconds(slack) + " past the hinted " + seconds(hint));
        }
        return Result.fail(c, "expected no bytes, then FIN; got " + outcome.describe());
    }

    /**
     * Opens every client and sends its request, then reads the replies only once all are open, so
     * the server holds them all at once: one that served connections one after another would
     * wait for the first client's end of stream, which comes only after the last one connected.
     * Each client sends as soon as it is connected, so a short idle timeout does not end the
     * first ones while the last ones connect.
     */
    private Result manyClients(Case c, Attempt a) throws IOException {
        int n = settings.concurrentClients();
        List<Socket> sockets = new ArrayList<>(n);
        List<String> sendFailures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket socket;
            try {
                socket = a.connect(target);
            } catch (IOException e) {
                return Result.fail(c, "client " + (i + 1) + " of " + n + " could not connect while " + i + " were open: " + e.getMessage());
            }
            sockets.add(socket);
            try {
                socket.getOutputStream().write(NORMAL_REQUEST);
            } catch (IOException e) {
                sendFailures.add(e.getMessage());
            }
        }
        int failed = 0;
        String first = null;
        for (Socket socket : sockets) {
            Outcome outcome = a.readToEnd(socket, null);
            byte[] expected = expectedReply(socket);
            if (!outcome.isGreeting(expected)) {
                failed++;
                if (first == null) {
                    first = outcome.mismatch(expected);
                }
            }
        }
        if (failed == 0 && sendFailures.isEmpty()) {
            return Result.pass(c, n + " clients open at once, all greeted");
        }
        return Result.fail(c, failed + " of " + n + " clients open at once were not greeted correctly"
                + (sendFailures.isEmpty() ? "" : ", " + sendFailures.size() + " could not send (" + sendFailures.get(0) + ")")
                + (first == null ? "" : "; the first: " + first));
    }

    /**
     * An exchange over IPv6: against the target itself when it is IPv6, else against {@code ::1}
     * on the target's port when the target is IPv4 loopback or wildcard and the server also
     * listens there (a dual-stack {@code ::} listener does).
     */
    private Result ipv6(Case c, Attempt a) throws IOException {
        InetSocketAddress v6;
        if (target.getAddress() instanceof Inet6Address) {
            v6 = target;
        } else if (target.getAddress().isLoopbackAddress() || target.getAddress().isAnyLocalAddress()) {
            v6 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), target.getPort());
        } else {
            return Result.skipped(c, "the target is a remote IPv4 address; give an IPv6 target to check IPv6");
        }
        Socket socket;
        try {
            socket = a.connect(v6);
        } catch (SocketException e) {
            // Refused, or no IPv6 on this host at all.
            return Result.skipped(c, "the server does not listen on " + show(v6) + " (" + e.getMessage() + ")");
        }
        Outcome outcome = a.exchange(socket, NORMAL_REQUEST, false);
        byte[] expected = expectedReply(socket);
        return outcome.isGreeting(expected)
                ? Result.pass(c, "greeted over IPv6 at " + show(v6))
                : Result.fail(c, "over IPv6 at " + show(v6) + ": " + outcome.mismatch(expected));
    }

    /** The reply the server owes this client: computed from the client's own local address. */
    private byte[] expectedReply(Socket socket) {
        InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
        if (ipv4ClientsSeenMapped && local.getAddress() instanceof Inet4Address) {
            return Greeting.replyTo(mapped(local));
        }
        return Greeting.replyTo(local);
    }

    /** {@code a.b.c.d:port} as a dual-stack listener sees it: {@code ::ffff:a.b.c.d}. */
    static InetSocketAddress mapped(InetSocketAddress v4) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress().getAddress(), 0, bytes, 12, 4);
        try {
            // Inet6Address keeps the mapped form; InetAddress.getByAddress would turn it into IPv4.
            return new InetSocketAddress(Inet6Address.getByAddress(null, bytes, -1), v4.getPort());
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always a valid IPv6 address", e);
        }
    }

    /** Bytes {@code a..z} repeated: valid ASCII, so only the length matters. */
    private static byte[] filler(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    /** 99 ASCII bytes then {@code é} (C3 A9): the first 100 bytes end inside the character. */
    private static byte[] utf8CutAtByte100() {
        byte[] bytes = Arrays.copyOf(filler(99), 101);
        bytes[99] = (byte) 0xc3;
        bytes[100] = (byte) 0xa9;
        return bytes;
    }

    private static String show(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet6Address v6) {
            return "[" + Greeting.ipv6Text(v6.getAddress()) + "]:" + address.getPort();
        }
        return (ip == null ? address.getHostString() : ip.getHostAddress()) + ":" + address.getPort();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** How a connection ended, as the client saw it. */
    enum Ending { FIN, RST, TIMEOUT, ERROR }

    /**
     * What one client saw.
     *
     * @param received      the first bytes received (at most {@link #MAX_KEPT_REPLY_BYTES})
     * @param totalReceived how many bytes arrived in all
     * @param ending        how the read side ended
     * @param endingDetail  the exception message that ended it, if any
     * @param sendFailure   the message of a failed write of the request, else null
     */
    record Outcome(byte[] received, long totalReceived, Ending ending, String endingDetail, String sendFailure) {

        boolean isGreeting(byte[] expected) {
            return sendFailure == null && ending == Ending.FIN && totalReceived == expected.length
                    && Arrays.equals(received, expected);
        }

        /** A write fails with "Connection reset" or "Broken pipe" once the peer has sent RST. */
        boolean sendFailureIsReset() {
            return sendFailure != null && (sendFailure.contains("reset") || sendFailure.contains("Broken pipe"));
        }

        String describe() {
            String what = totalReceived == 0 ? "nothing" : quote(received) + (totalReceived > received.length ? " (" + totalReceived + " bytes in all)" : "");
            String end = switch (ending) {
                // A write that met the RST consumed the error; reads then end as if with a FIN.
                case FIN -> sendFailureIsReset() ? "then end of stream (after the RST)" : "then FIN";
                case RST -> "then RST";
                case TIMEOUT -> "then no end (timed out)";
                case ERROR -> "then " + endingDetail;
            };
            return (sendFailure == null ? "" : "sending failed (" + sendFailure + "); ") + what + " " + end;
        }

        String mismatch(byte[] expected) {
            return "expected " + quote(expected) + " then FIN; got " + describe();
        }
    }

    /** Quotes bytes for a one-line report: printable ASCII as is, the rest as escapes. */
    static String quote(byte[] bytes) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < bytes.length && out.length() < 120; i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '"', '\\' -> out.append('\\').append((char) b);
                default -> {
                    if (b >= 0x20 && b < 0x7f) {
                        out.append((char) b);
                    } else {
                        out.append(String.format("\\x%02x", b));
                    }
                }
            }
        }
        if (out.length() >= 120) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    /**
     * One case's sockets and deadline. The case's virtual thread opens and uses the sockets; the
     * thread that runs the check closes them all when the deadline passes.
     */
    private static final class Attempt {

        private final long deadlineNanos;
        private final List<Socket> sockets = new ArrayList<>();

        Attempt(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        Socket connect(InetSocketAddress to) throws IOException {
            Socket socket = new Socket();
            synchronized (sockets) {
                sockets.add(socket);
            }
            socket.connect(to, remainingMillis());
            return socket;
        }

        /** Sends {@code request} (if any), half-closes if asked, and reads to the end. */
        Outcome exchange(Socket socket, byte[] request, boolean halfClose) {
            String sendFailure = null;
            try {
                OutputStream out = socket.getOutputStream();
                if (request.length > 0) {
                    out.write(request);
                }
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                sendFailure = String.valueOf(e.getMessage());
            }
            return readToEnd(socket, sendFailure);
        }

        /** Reads until end of stream, RST, or the deadline. */
        Outcome readToEnd(Socket socket, String sendFailure) {
            return readToEnd(socket, sendFailure, deadlineNanos);
        }

        /** Reads until end of stream, RST, or {@code until}, which is at most the case's deadline. */
        Outcome readToEnd(Socket socket, String sendFailure, long until) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            long total = 0;
            byte[] buffer = new byte[8192];
            try {
                InputStream in = socket.getInputStream();
                while (true) {
                    socket.setSoTimeout(remainingMillis(Math.min(until, deadlineNanos)));
                    int n = in.read(buffer);
                    if (n < 0) {
                        return new Outcome(kept.toByteArray(), total, Ending.FIN, null, sendFailure);
                    }
                    kept.write(buffer, 0, Math.min(n, Math.max(0, MAX_KEPT_REPLY_BYTES - kept.size())));
                    total += n;
                }
            } catch (SocketTimeoutException e) {
                return new Outcome(kept.toByteArray(), total, Ending.TIMEOUT, e.getMessage(), sendFailure);
            } catch (IOException e) {
                String message = String.valueOf(e.getMessage());
                Ending ending = message.contains("Connection reset") ? Ending.RST : Ending.ERROR;
                return new Outcome(kept.toByteArray(), total, ending, message, sendFailure);
            }
        }

        /** At least 1 ms: a zero timeout would mean "forever" to the socket. */
        int remainingMillis() {
            return remainingMillis(deadlineNanos);
        }

        static int remainingMillis(long until) {
            long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
        }

        void closeAll() {
            List<Socket> all;
            synchronized (sockets) {
                all = new ArrayList<>(sockets);
                sockets.clear();
            }
            for (Socket socket : all) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing a client socket the case is done with; nothing to report.
                }
            }
        }
    }
}
