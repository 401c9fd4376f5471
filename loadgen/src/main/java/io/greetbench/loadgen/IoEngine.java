package io.greetbench.loadgen;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Which system-call layer the generator's workers use.
 *
 * <p>Why two: the JDK's channels spend about twice the system calls of a C client on each
 * connection-per-request exchange (two {@code fcntl}s to go non-blocking, a {@code poll} and a
 * {@code getsockopt} to finish the connect, {@code epoll_ctl} to register, change and deregister,
 * and a read for the end of stream that an {@code EPOLLRDHUP} edge already announced). On loopback
 * those calls are most of the generator's CPU, so the raw engine calls Linux directly through the
 * JDK's foreign-function API (final in JDK 22) with the C client's sequence. The channel engine
 * stays for JDK 21 and for other systems.
 */
public enum IoEngine {
    /** Raw epoll where available, else {@link #NIO}. */
    AUTO,
    /** Linux sockets and epoll called directly (JDK 22 or newer, Linux on x86-64 or AArch64). */
    EPOLL,
    /** The JDK's {@code SocketChannel} and {@code Selector}. */
    NIO;

    private static final String EPOLL_CLASS = "io.greetbench.loadgen.EpollSocketIo";
    private static volatile String unavailable;
    private static volatile Constructor<?> epollConstructor;

    /** Parses {@code auto}, {@code epoll} or {@code nio}, in any case. */
    public static IoEngine parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown I/O engine '" + text + "' (expected auto, epoll or nio)");
        }
    }

    /** The lower-case name, as the command line spells it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name users type, so picocli's help lists the choices as they are typed. */
    @Override
    public String toString() {
        return label();
    }

    /** Null when the epoll engine can be used here, else why not. */
    public static String epollUnavailableReason() {
        probe();
        return unavailable;
    }

    /** What {@link #AUTO} resolves to on this JVM. */
    public IoEngine resolved() {
        return this == AUTO ? (epollUnavailableReason() == null ? EPOLL : NIO) : this;
    }

    static SocketIo epoll(InetSocketAddress target, byte[] payload, int slots) throws IoFailure {
        probe();
        if (unavailable != null) {
            return null;
        }
        try {
            return (SocketIo) epollConstructor.newInstance(target, payload, slots);
        } catch (InvocationTargetException e) {
            switch (e.getCause()) {
                case IoFailure f -> throw f;
                // An Error (out of memory, ...) or a bug's own exception stays what it is.
                case Error err -> throw err;
                case RuntimeException r -> throw r;
                case null, default -> throw new IllegalStateException("the epoll engine failed to start", e.getCause());
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the epoll engine failed to start", e);
        }
    }

    /** Null when a JDK of this feature release on this OS and architecture can run the epoll engine, else why not. */
    static String platformReason(int jdkFeature, String os, String arch) {
        if (jdkFeature < 22) {
            return "needs JDK 22 or newer (this is JDK " + jdkFeature + ")";
        }
        if (!os.equals("Linux")) {
            return "needs Linux (this is " + os + ")";
        }
        if (!arch.equals("amd64") && !arch.equals("aarch64")) {
            return "needs x86-64 or AArch64 (this is " + arch + ")";
        }
        return null;
    }

    private static synchronized void probe() {
        if (epollConstructor != null || unavailable != null) {
            return;
        }
        unavailable = platformReason(Runtime.version().feature(), System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (unavailable == null) {
            try {
                Class<?> c = Class.forName(EPOLL_CLASS);
                Constructor<?> k = c.getDeclaredConstructor(InetSocketAddress.class, byte[].class, int.class);
                k.setAccessible(true);
                // Binds the native functions now, so a JVM that forbids native access says so here.
                c.getDeclaredMethod("link").invoke(null);
                epollConstructor = k;
            } catch (InvocationTargetException e) {
                unavailable = String.valueOf(e.getCause());
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                unavailable = String.valueOf(e);
            }
        }
    }
}
