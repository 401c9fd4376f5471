package io.greetbench.loadgen;

import io.greetbench.protocol.Greeting;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One generator thread: a poller ({@link SocketIo}) and its share of the connection slots, running
 * exchanges connection-per-request with non-blocking sockets.
 *
 * <p>Threading: everything here is confined to the worker's own platform thread, except what the
 * coordinating thread reads while the run lasts: the recorders ({@link SingleWriterRecorder},
 * whose interval snapshots never stall this writer) and the progress counters, which this thread
 * alone writes with release stores; and {@link #wakeup}.
 *
 * <p>Why it is cheap: one poller per thread and no hand-off between threads (a cross-CPU wake-up
 * costs about as much as a loopback connect here); slots, buffers and expected replies reused or
 * computed once per connection; the system calls themselves are the engine's business. Timeouts
 * sit in a list ordered by deadline, because every exchange has the same timeout: checking them
 * costs O(1) per turn, not a scan of every slot.
 */
final class Worker implements Runnable {

    /** Enough for any greeting and then some: a longer reply is wrong whatever follows. */
    private static final int READ_BUFFER_BYTES = 4 * 1024;
    /** The longest a worker sleeps in its poller, so it notices the end of the run and {@link Timeline#stop}. */
    private static final long MAX_WAIT_NANOS = 50_000_000L;
    /** Sub-millisecond waits with replies pending park this long at most (plus the kernel's timer slack). */
    private static final long SHORT_PARK_NANOS = 20_000L;

    private final LoadSpec spec;
    /** Handed over before {@link #go} opens; read only by this worker's thread after that. */
    private Timeline timeline;
    private final int index;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private final InetSocketAddress[] sources;
    private int nextSource;
    private final SocketIo io;
    private final SocketIo.Ready onReady = this::onReady;
    private final byte[] readBuffer = new byte[READ_BUFFER_BYTES];
    private final ExchangeSlot[] slots;
    /**
     * Free slots, a FIFO ring: the open loop takes the slot that has been free longest, so when
     * even that one was freed after an exchange's intended start, every slot was busy then and the
     * exchange is late because of the server, not because of the generator.
     */
    private final ExchangeSlot[] free;
    private int freeHead;
    private int freeCount;
    /** Exchanges with a deadline, oldest first: all share one timeout, so start order is deadline order. */
    private ExchangeSlot head;
    private ExchangeSlot tail;
    private final long timeoutNanos;

    /** Open loop: this thread's share of the schedule. Held: its connect ramp, or null for no ramp. */
    private Schedule schedule;
    /** Held connections this thread opens. */
    private final int heldShare;
    private int heldAttempted;
    private int connecting;
    private final int connectCap;
    private final CountDownLatch connected;
    private boolean released;
    private boolean connectPhaseOver;

    /**
     * How a due exchange of the open loop entered the corrected histogram: at its latency when it
     * completed, otherwise at a lower bound of it, the time from its intended start to when it
     * failed or the run ended.
     */
    enum Outcome { COMPLETED, FAILED, IN_FLIGHT, NOT_STARTED }

    /** Sees every due exchange's corrected sample as it is recorded: the tests' per-exchange view. */
    interface DueSamples {
        /** Called on the worker's thread. */
        void recorded(long intendedNanos, long correctedNanos, Outcome outcome);
    }

    final SingleWriterRecorder corrected = new SingleWriterRecorder(3);
    final SingleWriterRecorder raw = new SingleWriterRecorder(3);
    /** The coordinator's recycled interval histograms, one pair per recorder pair; only it touches them. */
    Histogram recycledCorrected;
    Histogram recycledRaw;
    /** Open loop: how late this thread started exchanges while a connection was free. Read after join. */
    final Histogram generatorLag = new Histogram(3);

    // Read by the coordinating thread during the run; written here only, with release stores.
    final AtomicLong completedAll = new AtomicLong();
    final AtomicLong errorsAll = new AtomicLong();
    final AtomicInteger open = new AtomicInteger();
    /** In-window errors by kind. */
    final AtomicLongArray errors = new AtomicLongArray(ErrorKind.values().length);

    // Read after join.
    long recorded;
    long late;
    long startedInWindow;
    long unfinished;
    /** Open loop: exchanges intended in the window, each recorded once in {@link #corrected}. */
    long due;
    /** Open loop: due exchanges never started, or still in flight, when the run ended (lower bounds). */
    long notStarted;
    long inFlight;
    /** Open loop: the longest a due exchange waited for a free connection (every one busy). */
    long maxConnectionWaitNanos;
    int peakOpen;
    long lastCompletionNanos;
    /** Open loop: this thread's CPU and wall time over the recorded window, or -1 if it did not span it. */
    long windowCpuNanos = -1;
    long windowWallNanos = -1;
    volatile Throwable failure;

    private int openCount;
    private final boolean openLoop;
    private final DueSamples dueSamples;

    /**
     * @param index    this worker's number, 0-based
     * @param slots    connection slots of this worker (closed and open loop)
     * @param heldShare held connections of this worker
     * @param dueSamples told of every due exchange of the open loop, or null
     */
    Worker(LoadSpec spec, int index, int slots, int heldShare, CountDownLatch ready, CountDownLatch go,
           CountDownLatch connected, DueSamples dueSamples) throws IOException {
        this.spec = spec;
        this.openLoop = spec.workload() == Workload.OPEN;
        this.dueSamples = dueSamples;
        this.index = index;
        this.ready = ready;
        this.go = go;
        this.sources = sourceAddresses(spec.sourceAddresses(), index);
        this.timeoutNanos = spec.exchangeTimeout().toNanos();
        this.heldShare = heldShare;
        this.connected = connected;
        int n = spec.workload() == Workload.HELD ? heldShare : slots;
        this.slots = new ExchangeSlot[n];
        this.free = new ExchangeSlot[n];
        for (int i = 0; i < n; i++) {
            this.slots[i] = new ExchangeSlot(i);
            this.free[i] = this.slots[i];
        }
        this.freeCount = n;
        this.connectCap = Math.max(1, spec.connections() / spec.threads());
        this.io = SocketIo.open(spec.io(), spec.target(), spec.payloadUnsafe(), n);
    }

    /** Open loop: the share of the recorded window this thread spent on CPU; 0 when unknown. */
    double busyShare() {
        return windowWallNanos > 0 && windowCpuNanos >= 0 ? (double) windowCpuNanos / windowWallNanos : 0;
    }

    /** The engine's name, such as {@code epoll}. */
    String engine() {
        return io.name();
    }

    private static InetSocketAddress[] sourceAddresses(int count, int index) throws IOException {
        if (count <= 1) {
            return null;
        }
        InetSocketAddress[] result = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            result[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i)}), 0);
        }
        // Rotate per worker so that small runs still touch every address.
        Collections.rotate(Arrays.asList(result), -index);
        return result;
    }

    /** Sets the run's moments; called by the coordinator before it opens {@code go}. */
    void timeline(Timeline t) {
        this.timeline = t;
    }

    private Schedule schedule() {
        int threads = spec.threads();
        if (spec.workload() == Workload.OPEN) {
            return Schedule.openLoop(timeline.startNanos, spec.ratePerSecond(), spec.shard(), index, threads, timeline.measureEndNanos);
        }
        if (spec.workload() == Workload.HELD && !spec.ramp().isZero() && heldShare > 0) {
            return new Schedule(timeline.startNanos, (double) spec.ramp().toNanos() / heldShare, Long.MAX_VALUE);
        }
        return null;
    }

    @Override
    public void run() {
        try {
            if (spec.cpus() != null) {
                CpuPinning.pinCurrentThread(spec.cpus());
            }
            io.tightenTimerSlack();
            ready.countDown();
            go.await();
            if (timeline == null) {
                return;
            }
            schedule = schedule();
            switch (spec.workload()) {
                case CLOSED -> runClosed();
                case OPEN -> runOpen();
                case HELD -> runHeld();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            if (t instanceof Error e) {
                throw e;
            }
        } finally {
            ready.countDown();
            if (spec.workload() == Workload.HELD) {
                signalConnected();
            }
            closeAll();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The three workloads

    private void runClosed() throws IOException {
        while (!timeline.stop) {
            long now = System.nanoTime();
            if (now >= timeline.measureEndNanos) {
                break;
            }
            expire(now);
            // Only the slots free now: one whose connect fails at once comes back on the next turn.
            for (int n = freeCount; n > 0; n--) {
                ExchangeSlot x = takeFree();
                long start = System.nanoTime();
                begin(x, start, start, false);
            }
            long wait = Math.min(timeline.measureEndNanos - now, nextDeadlineIn(now));
            select(wait);
        }
        abandonInFlight(System.nanoTime());
    }

    private void runOpen() throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuMark = -1;
        long wallMark = 0;
        while (!timeline.stop) {
            long now = System.nanoTime();
            if (cpuMark < 0 && now >= timeline.measureStartNanos && windowWallNanos < 0) {
                cpuMark = threads.getCurrentThreadCpuTime();
                wallMark = now;
            } else if (cpuMark >= 0 && now >= timeline.measureEndNanos) {
                // How busy this thread was while it kept the schedule: the check for a saturated generator.
                windowCpuNanos = threads.getCurrentThreadCpuTime() - cpuMark;
                windowWallNanos = now - wallMark;
                cpuMark = -1;
            }
            if (now >= timeline.drainEndNanos || (schedule.isOver() && head == null)) {
                break;
            }
            expire(now);
            while (freeCount > 0 && schedule.isDue(now)) {
                ExchangeSlot x = takeFree();
                long intended = schedule.take();
                long start = System.nanoTime();
                boolean inWindow = intended >= timeline.measureStartNanos;
                if (inWindow) {
                    if (start < timeline.measureEndNanos) {
                        startedInWindow++;
                    }
                    if (x.freedAtNanos > intended) {
                        late++;
                        maxConnectionWaitNanos = Math.max(maxConnectionWaitNanos, x.freedAtNanos - intended);
                    }
                    // The part of the delay with a connection free is the generator's own lag.
                    generatorLag.recordValue(Math.max(0, start - Math.max(intended, x.freedAtNanos)));
                }
                begin(x, intended, start, inWindow);
                now = start;
            }
            long wait = Math.min(nextDeadlineIn(now), timeline.drainEndNanos - now);
            if (freeCount > 0) {
                wait = Math.min(wait, schedule.nanosUntilNext(now));
            }
            select(wait);
        }
        long end = System.nanoTime();
        // Exchanges due but never started: the server never freed a connection for them. They were
        // due all the same, so they enter the corrected histogram at what they had waited by now.
        while (schedule.isDue(end)) {
            long intended = schedule.take();
            unfinished++;
            if (intended >= timeline.measureStartNanos) {
                notStarted++;
                recordDue(intended, end, Outcome.NOT_STARTED);
            }
        }
        abandonInFlight(end);
    }

    private void runHeld() throws IOException {
        // Connect phase: open this thread's share, at most connectCap connects at once, on the ramp.
        while (!timeline.stop && (heldAttempted < heldShare || connecting > 0)) {
            long now = System.nanoTime();
            expire(now);
            while (heldAttempted < heldShare && connecting < connectCap && (schedule == null || schedule.isDue(now))) {
                long intended = schedule == null ? now : schedule.take();
                ExchangeSlot x = takeFree();
                heldAttempted++;
                connecting++;
                begin(x, intended, System.nanoTime(), true);
            }
            long wait = nextDeadlineIn(now);
            if (schedule != null && heldAttempted < heldShare && connecting < connectCap) {
                wait = Math.min(wait, schedule.nanosUntilNext(now));
            }
            select(wait);
        }
        signalConnected();
        // Think time: every connection idle until the coordinator releases them all at once.
        while (!timeline.stop) {
            long now = System.nanoTime();
            long release = timeline.releaseNanos;
            if (now >= release) {
                releaseAll(release);
                break;
            }
            select(release - now);
        }
        while (!timeline.stop && head != null) {
            long now = System.nanoTime();
            expire(now);
            select(nextDeadlineIn(now));
        }
        abandonInFlight(System.nanoTime());
    }

    /** Tells the coordinator this thread's connect phase is over; once, whatever happened. */
    private void signalConnected() {
        if (!connectPhaseOver) {
            connectPhaseOver = true;
            connected.countDown();
        }
    }

    private void releaseAll(long release) {
        released = true;
        for (ExchangeSlot x : slots) {
            if (x.state == ExchangeSlot.State.HELD) {
                x.intendedNanos = release;
                x.startNanos = System.nanoTime();
                list(x, x.startNanos + timeoutNanos);
                try {
                    x.state = ExchangeSlot.State.WRITING;
                    write(x);
                } catch (IoFailure e) {
                    fail(x, e.kind());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // One exchange

    /** Opens a connection for {@code x} and starts its exchange. */
    private void begin(ExchangeSlot x, long intended, long start, boolean inWindow) {
        x.intendedNanos = intended;
        x.startNanos = start;
        x.inWindow = inWindow;
        x.received = 0;
        x.written = 0;
        x.expected = null;
        x.state = ExchangeSlot.State.CONNECTING;
        list(x, start + timeoutNanos);
        InetSocketAddress source = null;
        if (sources != null) {
            source = sources[nextSource];
            nextSource = nextSource + 1 == sources.length ? 0 : nextSource + 1;
        }
        boolean now;
        try {
            now = io.connect(x.slot, source);
        } catch (IoFailure e) {
            fail(x, e.kind());
            return;
        }
        openCount++;
        if (openCount > peakOpen) {
            peakOpen = openCount;
        }
        open.lazySet(openCount);
        if (now) {
            try {
                connected(x);
            } catch (IoFailure e) {
                fail(x, e.kind());
            }
        }
    }

    private void connected(ExchangeSlot x) throws IoFailure {
        x.expected = Greeting.replyTo(io.localAddress(x.slot));
        if (spec.workload() == Workload.HELD && !released) {
            connecting--;
            unlist(x);
            x.state = ExchangeSlot.State.HELD;
            // Watched while idle, so a server that closes it is noticed and counted.
            io.watch(x.slot, SocketIo.READABLE);
            return;
        }
        x.state = ExchangeSlot.State.WRITING;
        write(x);
    }

    private void write(ExchangeSlot x) throws IoFailure {
        int length = spec.payloadLength();
        while (x.written < length) {
            int n = io.write(x.slot, x.written, length - x.written);
            if (n == 0) {
                // The socket buffer is full; also read, since a server may reply before it has it all.
                io.watch(x.slot, SocketIo.WRITABLE | SocketIo.READABLE);
                return;
            }
            x.written += n;
        }
        if (spec.halfClose()) {
            io.shutdownOutput(x.slot);
        }
        x.state = ExchangeSlot.State.READING;
        io.watch(x.slot, SocketIo.READABLE);
    }

    private void onReady(int slot, int flags) {
        ExchangeSlot x = slots[slot];
        if (!io.isOpen(slot)) {
            return;
        }
        try {
            switch (x.state) {
                case CONNECTING -> {
                    if (io.finishConnect(slot)) {
                        connected(x);
                    }
                }
                case WRITING -> {
                    if ((flags & SocketIo.WRITABLE) != 0) {
                        write(x);
                    }
                    if (io.isOpen(slot) && (flags & SocketIo.READABLE) != 0) {
                        read(x, flags);
                    }
                }
                case READING, HELD -> {
                    // An edge-triggered engine also reports the send buffer draining; nothing to read then.
                    if ((flags & SocketIo.READABLE) != 0) {
                        read(x, flags);
                    }
                }
                case IDLE -> { }
            }
        } catch (IoFailure e) {
            fail(x, e.kind());
        }
    }

    private void read(ExchangeSlot x, int flags) {
        byte[] expected = x.expected;
        for (;;) {
            int n;
            try {
                n = io.read(x.slot, readBuffer);
            } catch (IoFailure e) {
                if (x.state != ExchangeSlot.State.HELD && x.received == expected.length) {
                    // The whole greeting, then RST instead of FIN: the reference does this for
                    // long requests. The reply arrived intact, so the exchange counts.
                    succeed(x);
                } else {
                    fail(x, x.state == ExchangeSlot.State.HELD ? ErrorKind.CLOSED_WHILE_HELD : e.kind());
                }
                return;
            }
            if (n == 0) {
                return;
            }
            if (n < 0) {
                if (x.state == ExchangeSlot.State.HELD) {
                    fail(x, ErrorKind.CLOSED_WHILE_HELD);
                } else if (x.received == expected.length) {
                    succeed(x);
                } else {
                    fail(x, ErrorKind.SHORT_REPLY);
                }
                return;
            }
            if (x.state == ExchangeSlot.State.HELD || x.received + n > expected.length) {
                fail(x, ErrorKind.WRONG_REPLY);
                return;
            }
            if (!Arrays.equals(readBuffer, 0, n, expected, x.received, x.received + n)) {
                fail(x, ErrorKind.WRONG_REPLY);
                return;
            }
            x.received += n;
            if ((flags & SocketIo.PEER_CLOSED) != 0 && n < readBuffer.length && x.received == expected.length) {
                // The FIN came before the event: this read drained everything before it, so the
                // reply is whole and ended; a further read would only return the end of stream.
                succeed(x);
                return;
            }
        }
    }

    private void succeed(ExchangeSlot x) {
        long end = System.nanoTime();
        boolean counts = spec.workload() == Workload.CLOSED
                ? end >= timeline.measureStartNanos && end < timeline.measureEndNanos
                : x.inWindow;
        if (counts) {
            raw.recordValue(end - x.startNanos);
            if (openLoop) {
                recordDue(x.intendedNanos, end, Outcome.COMPLETED);
            } else {
                corrected.recordValue(end - x.intendedNanos);
            }
            recorded++;
            lastCompletionNanos = end;
        }
        completedAll.lazySet(completedAll.get() + 1);
        release(x, end);
    }

    private void fail(ExchangeSlot x, ErrorKind kind) {
        long now = System.nanoTime();
        boolean counts = spec.workload() == Workload.CLOSED
                ? now >= timeline.measureStartNanos && now < timeline.measureEndNanos
                : x.inWindow;
        if (counts) {
            errors.lazySet(kind.ordinal(), errors.get(kind.ordinal()) + 1);
            if (openLoop) {
                recordDue(x.intendedNanos, now, Outcome.FAILED);
            }
        }
        errorsAll.lazySet(errorsAll.get() + 1);
        if (x.state == ExchangeSlot.State.CONNECTING && spec.workload() == Workload.HELD && !released) {
            connecting--;
        }
        release(x, now);
        if (spec.workload() == Workload.CLOSED && kind.ordinal() <= ErrorKind.NO_DESCRIPTOR.ordinal()) {
            // A refused or impossible connect fails at once; retrying in a tight loop would only
            // burn the CPU the measurement needs (load-c backs off until its next turn, too).
            LockSupport.parkNanos(100_000L);
        }
    }

    private ExchangeSlot takeFree() {
        ExchangeSlot x = free[freeHead];
        free[freeHead] = null;
        freeHead = freeHead + 1 == free.length ? 0 : freeHead + 1;
        freeCount--;
        return x;
    }

    /** Closes the connection and returns the slot to the free list (closed and open loop). */
    private void release(ExchangeSlot x, long now) {
        unlist(x);
        close(x);
        x.state = ExchangeSlot.State.IDLE;
        x.freedAtNanos = now;
        if (spec.workload() != Workload.HELD) {
            int tailIndex = freeHead + freeCount;
            free[tailIndex >= free.length ? tailIndex - free.length : tailIndex] = x;
            freeCount++;
        }
    }

    private void close(ExchangeSlot x) {
        if (!io.isOpen(x.slot)) {
            return;
        }
        io.close(x.slot);
        openCount--;
        open.lazySet(openCount);
    }

    // ---------------------------------------------------------------------------------------------
    // Deadlines

    private void list(ExchangeSlot x, long deadline) {
        if (x.listed) {
            unlist(x);
        }
        x.deadlineNanos = deadline;
        x.prev = tail;
        x.next = null;
        if (tail == null) {
            head = x;
        } else {
            tail.next = x;
        }
        tail = x;
        x.listed = true;
    }

    private void unlist(ExchangeSlot x) {
        if (!x.listed) {
            return;
        }
        if (x.prev == null) {
            head = x.next;
        } else {
            x.prev.next = x.next;
        }
        if (x.next == null) {
            tail = x.prev;
        } else {
            x.next.prev = x.prev;
        }
        x.prev = null;
        x.next = null;
        x.listed = false;
    }

    private void expire(long now) {
        while (head != null && head.deadlineNanos <= now) {
            ExchangeSlot x = head;
            fail(x, x.state == ExchangeSlot.State.CONNECTING ? ErrorKind.CONNECT_TIMEOUT : ErrorKind.READ_TIMEOUT);
        }
    }

    private long nextDeadlineIn(long now) {
        return head == null ? MAX_WAIT_NANOS : Math.max(0, head.deadlineNanos - now);
    }

    private void select(long waitNanos) throws IOException {
        long wait = Math.min(waitNanos, MAX_WAIT_NANOS);
        if (io.nanosecondWaits()) {
            // One call that returns at the first event or at the next due start, whichever is first.
            io.poll(wait, onReady);
        } else if (wait >= 1_000_000L) {
            // The engine counts in whole milliseconds: round down, and never sleep past a due start.
            io.poll(wait, onReady);
        } else if (io.poll(0, onReady) == 0 && wait > 0) {
            // Less than a millisecond to the next start and nothing ready: park rather than spin,
            // in short steps while exchanges are in flight, so a reply that arrives meanwhile is
            // timed at most a step late.
            LockSupport.parkNanos(head == null ? wait : Math.min(wait, SHORT_PARK_NANOS));
        }
    }

    /**
     * Open loop: records a due exchange in the corrected histogram, once, at {@code end} minus its
     * intended start: its latency when it completed, a lower bound of it otherwise. Raw keeps
     * completed exchanges only.
     */
    private void recordDue(long intendedNanos, long end, Outcome outcome) {
        corrected.recordValue(end - intendedNanos);
        due++;
        if (dueSamples != null) {
            dueSamples.recorded(intendedNanos, end - intendedNanos, outcome);
        }
    }

    /** Closes what is still open at the end of the run ({@code end}); due ones are lower bounds. */
    private void abandonInFlight(long end) {
        for (ExchangeSlot x : slots) {
            if (io.isOpen(x.slot)) {
                if (x.state != ExchangeSlot.State.HELD) {
                    unfinished++;
                    if (openLoop && x.inWindow) {
                        inFlight++;
                        recordDue(x.intendedNanos, end, Outcome.IN_FLIGHT);
                    }
                }
                unlist(x);
                close(x);
                x.state = ExchangeSlot.State.IDLE;
            }
        }
    }

    private void closeAll() {
        for (ExchangeSlot x : slots) {
            close(x);
        }
        io.close();
    }

    /** Releases the sockets of a worker whose thread never started. */
    void closeSelector() {
        io.close();
    }

    /** Wakes the poller so the thread sees {@link Timeline#releaseNanos} or {@link Timeline#stop} at once. */
    void wakeup() {
        io.wakeup();
    }
}
