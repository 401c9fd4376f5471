package io.greetbench.loadgen;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * {@link SocketIo} on Linux sockets and epoll, called through the JDK's foreign-function API, with
 * the system-call sequence of the reference C client: {@code socket} (non-blocking from birth),
 * {@code connect}, one {@code epoll_ctl} to register for everything edge-triggered, then
 * {@code getsockname}, {@code write}, {@code read} and {@code close}, the waits shared by every
 * connection of the worker. The JDK's channels spend about twice as many calls on the same
 * exchange, and on loopback the calls are most of the cost.
 *
 * <p>Compiled for JDK 22 (the foreign-function API is final there) apart from the rest of the
 * module, and loaded by {@link IoEngine} only on a JDK that has it.
 *
 * <p>Threading: confined to its worker's thread, except {@link #wakeup}, which writes the wake-up
 * eventfd under a lock that {@link #close} also takes, so it never writes to a closed descriptor
 * whose number was reused.
 */
final class EpollSocketIo implements SocketIo {

    // Linux's values, the same on x86-64 and AArch64 (the generic ABI).
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLLIN = 0x1;
    private static final int EPOLLOUT = 0x4;
    private static final int EPOLLERR = 0x8;
    private static final int EPOLLHUP = 0x10;
    private static final int EPOLLRDHUP = 0x2000;
    private static final int EPOLLET = 1 << 31;
    private static final int SOL_SOCKET = 1;
    private static final int SO_ERROR = 4;
    private static final int IPPROTO_IP = 0;
    private static final int IP_BIND_ADDRESS_NO_PORT = 24;
    private static final int SHUT_WR = 1;

    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ENFILE = 23;
    private static final int EMFILE = 24;
    private static final int EPIPE = 32;
    private static final int EADDRINUSE = 98;
    private static final int EADDRNOTAVAIL = 99;
    private static final int ECONNRESET = 104;
    private static final int ETIMEDOUT = 110;
    private static final int ECONNREFUSED = 111;
    private static final int EINPROGRESS = 115;

    /** {@code struct epoll_event} is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16). */
    private static final boolean PACKED_EVENTS = "amd64".equals(System.getProperty("os.arch"));
    private static final long EVENT_BYTES = PACKED_EVENTS ? 12 : 16;
    private static final long EVENT_DATA_OFFSET = PACKED_EVENTS ? 4 : 8;
    private static final int MAX_EVENTS = 256;
    /** The edge-triggered set the C client registers: one {@code epoll_ctl} per connection, no changes after. */
    private static final int WATCH_ALL = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    /** Event data of the wake-up eventfd; a slot's data is its number and generation, never all ones. */
    private static final long WAKE = -1L;
    private static final int SOCKADDR_BYTES = 128;
    private static final int READ_BYTES = 4 * 1024;

    private static final MethodHandle SOCKET;
    private static final MethodHandle CONNECT;
    private static final MethodHandle BIND;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle READ;
    private static final MethodHandle WRITE;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle EVENTFD;
    /** {@code epoll_pwait2} (glibc 2.35, Linux 5.11): a wait in nanoseconds; null when the C library lacks it. */
    private static final MethodHandle EPOLL_PWAIT2;
    private static final int ENOSYS = 38;
    private static final long ERRNO_OFFSET;
    private static final long CAPTURE_BYTES;
    private static final MethodHandle PRCTL;
    /** prctl(2): set the calling thread's timer slack, in nanoseconds. */
    private static final int PR_SET_TIMERSLACK = 29;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        MemoryLayout capture = Linker.Option.captureStateLayout();
        ERRNO_OFFSET = capture.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        CAPTURE_BYTES = capture.byteSize();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        AddressLayout p = ValueLayout.ADDRESS;
        SOCKET = bind(linker, libc, "socket", FunctionDescriptor.of(i, i, i, i), errno);
        CONNECT = bind(linker, libc, "connect", FunctionDescriptor.of(i, i, p, i), errno);
        BIND = bind(linker, libc, "bind", FunctionDescriptor.of(i, i, p, i), errno);
        SETSOCKOPT = bind(linker, libc, "setsockopt", FunctionDescriptor.of(i, i, i, i, p, i), errno);
        GETSOCKOPT = bind(linker, libc, "getsockopt", FunctionDescriptor.of(i, i, i, i, p, p), errno);
        GETSOCKNAME = bind(linker, libc, "getsockname", FunctionDescriptor.of(i, i, p, p), errno);
        READ = bind(linker, libc, "read", FunctionDescriptor.of(l, i, p, l), errno);
        WRITE = bind(linker, libc, "write", FunctionDescriptor.of(l, i, p, l), errno);
        SHUTDOWN = bind(linker, libc, "shutdown", FunctionDescriptor.of(i, i, i), errno);
        CLOSE = bind(linker, libc, "close", FunctionDescriptor.of(i, i), errno);
        EPOLL_CREATE1 = bind(linker, libc, "epoll_create1", FunctionDescriptor.of(i, i), errno);
        EPOLL_CTL = bind(linker, libc, "epoll_ctl", FunctionDescriptor.of(i, i, i, i, p), errno);
        EPOLL_WAIT = bind(linker, libc, "epoll_wait", FunctionDescriptor.of(i, i, p, i, i), errno);
        EVENTFD = bind(linker, libc, "eventfd", FunctionDescriptor.of(i, i, i), errno);
        // prctl is variadic: the option, then its arguments as unsigned longs.
        PRCTL = bind(linker, libc, "prctl", FunctionDescriptor.of(i, i, l), Linker.Option.firstVariadicArg(1));
        EPOLL_PWAIT2 = libc.find("epoll_pwait2").isPresent()
                ? bind(linker, libc, "epoll_pwait2", FunctionDescriptor.of(i, i, p, i, p, p), errno)
                : null;
    }

    @SuppressWarnings("restricted") // the launcher and the tests grant native access
    private static MethodHandle bind(Linker linker, SymbolLookup libc, String name, FunctionDescriptor d, Linker.Option errno) {
        MemorySegment symbol = libc.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library"));
        return linker.downcallHandle(symbol, d, errno);
    }

    /** Called by {@link IoEngine} to link the functions (this class's initialisation) before any run. */
    static void link() {
        // The static initialiser did it; a failure there surfaces to the caller as a LinkageError.
    }

    private final Arena arena = Arena.ofShared();
    /** errno of the worker thread's calls. */
    private final MemorySegment capture;
    private final MemorySegment target;
    private final int targetLength;
    private final int family;
    private final MemorySegment payload;
    private final MemorySegment readBuffer;
    private final MemorySegment events;
    private final MemorySegment sockaddr;
    private final MemorySegment sockaddrLength;
    private final MemorySegment event;
    /** {@code struct timespec} for {@code epoll_pwait2}. */
    private final MemorySegment timeout;
    /** Whether {@code epoll_pwait2} works here (the C library has it and the kernel answers it). */
    private final boolean nanosecondWaits;
    private final MemorySegment intValue;
    private final MemorySegment one;
    private final int epoll;
    private final int wakeFd;
    private final Object wakeLock = new Object();
    /** Touched by {@link #wakeup} only, under {@link #wakeLock}. */
    private final MemorySegment wakeCapture;
    private final MemorySegment wakeValue;
    private boolean closed;

    private final int[] fds;
    /** Bumped at every close, so an event for a slot's previous connection is never taken for its next one. */
    private final int[] generations;
    /** The events of each slot's last report, for {@link #finishConnect}. */
    private final int[] lastEvents;

    EpollSocketIo(InetSocketAddress target, byte[] payload, int slots) throws IoFailure {
        try {
            this.capture = arena.allocate(CAPTURE_BYTES, 8);
            this.wakeCapture = arena.allocate(CAPTURE_BYTES, 8);
            this.wakeValue = arena.allocate(ValueLayout.JAVA_LONG);
            this.wakeValue.set(ValueLayout.JAVA_LONG, 0, 1L);
            this.family = target.getAddress() instanceof Inet4Address ? AF_INET : AF_INET6;
            this.target = arena.allocate(SOCKADDR_BYTES, 8);
            this.targetLength = encode(target, this.target);
            this.payload = arena.allocate(Math.max(1, payload.length));
            MemorySegment.copy(payload, 0, this.payload, ValueLayout.JAVA_BYTE, 0, payload.length);
            this.readBuffer = arena.allocate(READ_BYTES);
            this.events = arena.allocate(EVENT_BYTES * MAX_EVENTS, 8);
            this.sockaddr = arena.allocate(SOCKADDR_BYTES, 8);
            this.sockaddrLength = arena.allocate(ValueLayout.JAVA_INT);
            this.event = arena.allocate(EVENT_BYTES, 8);
            this.timeout = arena.allocate(16, 8);
            this.intValue = arena.allocate(ValueLayout.JAVA_INT);
            this.one = arena.allocate(ValueLayout.JAVA_INT);
            this.one.set(ValueLayout.JAVA_INT, 0, 1);
            this.fds = new int[slots];
            Arrays.fill(fds, -1);
            this.generations = new int[slots];
            this.lastEvents = new int[slots];
            this.epoll = (int) EPOLL_CREATE1.invokeExact(capture, EPOLL_CLOEXEC);
            if (epoll < 0) {
                throw failure(ErrorKind.OTHER_IO, "epoll_create1", errno());
            }
            this.wakeFd = (int) EVENTFD.invokeExact(capture, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (wakeFd < 0) {
                int e = errno();
                closeFd(epoll);
                throw failure(ErrorKind.OTHER_IO, "eventfd", e);
            }
            event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, EPOLLIN);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, EVENT_DATA_OFFSET, WAKE);
            if ((int) EPOLL_CTL.invokeExact(capture, epoll, EPOLL_CTL_ADD, wakeFd, event) < 0) {
                int e = errno();
                closeFd(wakeFd);
                closeFd(epoll);
                throw failure(ErrorKind.OTHER_IO, "epoll_ctl", e);
            }
            this.nanosecondWaits = EPOLL_PWAIT2 != null && pwait2Works();
        } catch (IoFailure | RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException(t);
        }
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public boolean connect(int slot, InetSocketAddress source) throws IoFailure {
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(capture, family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int e = errno();
                throw failure(e == EMFILE || e == ENFILE ? ErrorKind.NO_DESCRIPTOR : ErrorKind.CONNECT_FAILED, "socket", e);
            }
            if (source != null) {
                // Pick the port at connect(), by the whole 4-tuple, not at bind(): many more ports.
                int ignored = (int) SETSOCKOPT.invokeExact(capture, fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, one, 4);
                int length = encode(source, sockaddr);
                if ((int) BIND.invokeExact(capture, fd, sockaddr, length) < 0) {
                    int e = errno();
                    closeFd(fd);
                    throw failure(e == EADDRINUSE || e == EADDRNOTAVAIL ? ErrorKind.NO_LOCAL_PORT : ErrorKind.CONNECT_FAILED, "bind", e);
                }
            }
            int r = (int) CONNECT.invokeExact(capture, fd, target, targetLength);
            if (r < 0) {
                int e = errno();
                if (e != EINPROGRESS) {
                    closeFd(fd);
                    throw failure(connectKind(e), "connect", e);
                }
            }
            event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, WATCH_ALL);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, EVENT_DATA_OFFSET, data(slot, generations[slot]));
            if ((int) EPOLL_CTL.invokeExact(capture, epoll, EPOLL_CTL_ADD, fd, event) < 0) {
                int e = errno();
                closeFd(fd);
                throw failure(ErrorKind.OTHER_IO, "epoll_ctl", e);
            }
            fds[slot] = fd;
            return r == 0;
        } catch (IoFailure f) {
            throw f;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public boolean finishConnect(int slot) throws IoFailure {
        int ev = lastEvents[slot];
        if ((ev & (EPOLLERR | EPOLLHUP)) != 0) {
            try {
                sockaddrLength.set(ValueLayout.JAVA_INT, 0, 4);
                int r = (int) GETSOCKOPT.invokeExact(capture, fds[slot], SOL_SOCKET, SO_ERROR, intValue, sockaddrLength);
                int e = r < 0 ? errno() : intValue.get(ValueLayout.JAVA_INT, 0);
                if (e != 0) {
                    throw failure(connectKind(e), "connect", e);
                }
            } catch (IoFailure f) {
                throw f;
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }
        return (ev & EPOLLOUT) != 0;
    }

    @Override
    public InetSocketAddress localAddress(int slot) throws IoFailure {
        try {
            sockaddrLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_BYTES);
            if ((int) GETSOCKNAME.invokeExact(capture, fds[slot], sockaddr, sockaddrLength) < 0) {
                int e = errno();
                throw failure(ioKind(e), "getsockname", e);
            }
            return decode(sockaddr);
        } catch (IoFailure f) {
            throw f;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int write(int slot, int offset, int length) throws IoFailure {
        try {
            MemorySegment from = offset == 0 ? payload : payload.asSlice(offset);
            for (;;) {
                long n = (long) WRITE.invokeExact(capture, fds[slot], from, (long) length);
                if (n >= 0) {
                    return (int) n;
                }
                int e = errno();
                if (e == EAGAIN) {
                    return 0;
                }
                if (e != EINTR) {
                    throw failure(ioKind(e), "write", e);
                }
            }
        } catch (IoFailure f) {
            throw f;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void shutdownOutput(int slot) throws IoFailure {
        try {
            if ((int) SHUTDOWN.invokeExact(capture, fds[slot], SHUT_WR) < 0) {
                int e = errno();
                throw failure(ioKind(e), "shutdown", e);
            }
        } catch (IoFailure f) {
            throw f;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int read(int slot, byte[] into) throws IoFailure {
        try {
            for (;;) {
                long n = (long) READ.invokeExact(capture, fds[slot], readBuffer, (long) Math.min(into.length, READ_BYTES));
                if (n > 0) {
                    MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, into, 0, (int) n);
                    return (int) n;
                }
                if (n == 0) {
                    return -1;
                }
                int e = errno();
                if (e == EAGAIN) {
                    return 0;
                }
                if (e != EINTR) {
                    throw failure(ioKind(e), "read", e);
                }
            }
        } catch (IoFailure f) {
            throw f;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void watch(int slot, int flags) {
        // Registered once for everything, edge-triggered: the worker acts on the edges it needs.
    }

    @Override
    public boolean isOpen(int slot) {
        return fds[slot] >= 0;
    }

    @Override
    public void close(int slot) {
        int fd = fds[slot];
        if (fd < 0) {
            return;
        }
        fds[slot] = -1;
        generations[slot]++;
        // Also removes it from the epoll set: nothing else holds this descriptor.
        closeFd(fd);
    }

    /** A kernel older than 5.11 answers ENOSYS; a zero wait finds out without waiting. */
    private boolean pwait2Works() throws Throwable {
        timeout.set(ValueLayout.JAVA_LONG, 0, 0L);
        timeout.set(ValueLayout.JAVA_LONG, 8, 0L);
        int n = (int) EPOLL_PWAIT2.invokeExact(capture, epoll, events, MAX_EVENTS, timeout, MemorySegment.NULL);
        // An event found here (an early wake-up) stays ready: the eventfd is level-triggered.
        return n >= 0 || errno() != ENOSYS;
    }

    @Override
    public void tightenTimerSlack() {
        try {
            // 1 ns is the least the kernel takes (0 means "the default"); refused, the slack stays.
            int ignored = (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, 1L);
        } catch (Throwable t) {
            // A binding that cannot be called: keep the default slack, as when the kernel refuses.
        }
    }

    @Override
    public boolean nanosecondWaits() {
        return nanosecondWaits;
    }

    @Override
    public int poll(long nanos, Ready handler) throws IoFailure {
        int n;
        try {
            if (nanosecondWaits) {
                timeout.set(ValueLayout.JAVA_LONG, 0, nanos / 1_000_000_000L);
                timeout.set(ValueLayout.JAVA_LONG, 8, nanos % 1_000_000_000L);
                n = (int) EPOLL_PWAIT2.invokeExact(capture, epoll, events, MAX_EVENTS, timeout, MemorySegment.NULL);
            } else {
                n = (int) EPOLL_WAIT.invokeExact(capture, epoll, events, MAX_EVENTS, (int) Math.min(nanos / 1_000_000L, Integer.MAX_VALUE));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n < 0) {
            int e = errno();
            if (e == EINTR) {
                return 0;
            }
            throw failure(ErrorKind.OTHER_IO, "epoll_wait", e);
        }
        int reported = 0;
        for (int i = 0; i < n; i++) {
            long base = i * EVENT_BYTES;
            int ev = events.get(ValueLayout.JAVA_INT_UNALIGNED, base);
            long data = events.get(ValueLayout.JAVA_LONG_UNALIGNED, base + EVENT_DATA_OFFSET);
            if (data == WAKE) {
                drainWakeups();
                continue;
            }
            int slot = (int) data;
            if (fds[slot] < 0 || generations[slot] != (int) (data >>> 32)) {
                continue;
            }
            lastEvents[slot] = ev;
            int flags = ((ev & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0 ? READABLE : 0)
                    | ((ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0 ? WRITABLE : 0)
                    | ((ev & EPOLLRDHUP) != 0 && (ev & EPOLLERR) == 0 ? PEER_CLOSED : 0);
            handler.ready(slot, flags);
            reported++;
        }
        return reported;
    }

    private void drainWakeups() {
        try {
            long ignored = (long) READ.invokeExact(capture, wakeFd, readBuffer, 8L);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void wakeup() {
        synchronized (wakeLock) {
            if (closed) {
                return;
            }
            try {
                long ignored = (long) WRITE.invokeExact(wakeCapture, wakeFd, wakeValue, 8L);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }
    }

    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < fds.length; i++) {
                close(i);
            }
            closeFd(wakeFd);
            closeFd(epoll);
        }
        arena.close();
    }

    // ---------------------------------------------------------------------------------------------

    private static long data(int slot, int generation) {
        return ((long) generation << 32) | (slot & 0xFFFF_FFFFL);
    }

    private void closeFd(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private int errno() {
        return capture.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    private static ErrorKind connectKind(int errno) {
        return switch (errno) {
            case ECONNREFUSED -> ErrorKind.CONNECT_REFUSED;
            case ETIMEDOUT -> ErrorKind.CONNECT_TIMEOUT;
            case EADDRNOTAVAIL, EADDRINUSE -> ErrorKind.NO_LOCAL_PORT;
            case EMFILE, ENFILE -> ErrorKind.NO_DESCRIPTOR;
            case ECONNRESET, EPIPE -> ErrorKind.RESET;
            default -> ErrorKind.CONNECT_FAILED;
        };
    }

    private static ErrorKind ioKind(int errno) {
        return switch (errno) {
            case ECONNRESET, EPIPE -> ErrorKind.RESET;
            case EMFILE, ENFILE -> ErrorKind.NO_DESCRIPTOR;
            default -> ErrorKind.OTHER_IO;
        };
    }

    private static IoFailure failure(ErrorKind kind, String call, int errno) {
        return new IoFailure(kind, call + ": errno " + errno);
    }

    /**
     * A failure of the binding itself, not of a socket: a bug, never a result. The checked
     * {@code Throwable} of {@code invokeExact} is wrapped; an unchecked exception is returned as
     * it is, and an {@link Error} (out of memory, stack overflow, a linkage failure) is rethrown
     * here, never wrapped, so the worker and the JVM see it for what it is.
     */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    /** Writes {@code address} as a {@code sockaddr_in} or {@code sockaddr_in6}; returns its length. */
    private static int encode(InetSocketAddress address, MemorySegment into) {
        into.fill((byte) 0);
        byte[] ip = address.getAddress().getAddress();
        int port = address.getPort();
        into.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
        into.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
        if (ip.length == 4) {
            into.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            MemorySegment.copy(ip, 0, into, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        into.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        MemorySegment.copy(ip, 0, into, ValueLayout.JAVA_BYTE, 8, 16);
        if (address.getAddress() instanceof Inet6Address v6) {
            into.set(ValueLayout.JAVA_INT, 24, v6.getScopeId());
        }
        return 28;
    }

    /** Reads a {@code sockaddr_in} or {@code sockaddr_in6}. */
    static InetSocketAddress decode(MemorySegment from) throws IoFailure {
        int family = from.get(ValueLayout.JAVA_SHORT, 0);
        int port = ((from.get(ValueLayout.JAVA_BYTE, 2) & 0xFF) << 8) | (from.get(ValueLayout.JAVA_BYTE, 3) & 0xFF);
        try {
            if (family == AF_INET) {
                byte[] ip = new byte[4];
                MemorySegment.copy(from, ValueLayout.JAVA_BYTE, 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            byte[] ip = new byte[16];
            MemorySegment.copy(from, ValueLayout.JAVA_BYTE, 8, ip, 0, 16);
            int scope = from.get(ValueLayout.JAVA_INT, 24);
            InetAddress address = scope == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scope);
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new IoFailure(ErrorKind.OTHER_IO, e);
        }
    }
}
