package io.greetbench.loadgen;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * {@link SocketIo} on the JDK's {@link SocketChannel} and {@link Selector}: portable, and the
 * engine on JDK 21.
 *
 * <p>Threading: confined to its worker's thread, except {@link #wakeup}.
 *
 * <p>Why it is shaped so: reused direct buffers, so the JDK copies nothing through temporary
 * buffers; {@code select(Consumer)}, which allocates no selected-key set iterator; and on loopback
 * the three-way handshake completes inside {@code connect(2)} (the SYN-ACK is processed when the
 * socket lock is released on the way out), so a {@code finishConnect} straight after it usually
 * succeeds and saves a selector round and two {@code epoll_ctl} calls per exchange.
 */
final class NioSocketIo implements SocketIo {

    private static final System.Logger LOG = System.getLogger(NioSocketIo.class.getName());
    private static final int READ_BUFFER_BYTES = 4 * 1024;

    private final InetSocketAddress target;
    private final StandardProtocolFamily family;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final ByteBuffer payload;
    private final SocketChannel[] channels;
    private final SelectionKey[] keys;
    /** Each slot's number, boxed once, as its keys' attachment. */
    private final Integer[] numbers;
    /** Channels whose key is cancelled, to close once a select has deregistered them. */
    private SocketChannel[] closing = new SocketChannel[64];
    private int closingCount;
    private Ready handler;
    private final Consumer<SelectionKey> onKey = this::onKey;

    NioSocketIo(InetSocketAddress target, byte[] payload, int slots) throws IoFailure {
        this.target = target;
        this.family = target.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        this.payload = ByteBuffer.allocateDirect(Math.max(1, payload.length)).put(payload).flip();
        this.channels = new SocketChannel[slots];
        this.keys = new SelectionKey[slots];
        this.numbers = new Integer[slots];
        for (int i = 0; i < slots; i++) {
            numbers[i] = i;
        }
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IoFailure(classifyIo(e), e);
        }
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean connect(int slot, InetSocketAddress source) throws IoFailure {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(family);
        } catch (IOException e) {
            throw new IoFailure(classifyConnect(e), e);
        }
        channels[slot] = ch;
        try {
            ch.configureBlocking(false);
            if (source != null) {
                ch.bind(source);
            }
            // On loopback the handshake is complete when connect(2) returns, even non-blocking.
            if (ch.connect(target) || ch.finishConnect()) {
                return true;
            }
            keys[slot] = ch.register(selector, SelectionKey.OP_CONNECT, numbers[slot]);
            return false;
        } catch (IOException e) {
            channels[slot] = null;
            closeQuietly(ch);
            throw new IoFailure(classifyConnect(e), e);
        }
    }

    @Override
    public boolean finishConnect(int slot) throws IoFailure {
        try {
            return channels[slot].finishConnect();
        } catch (IOException e) {
            throw new IoFailure(classifyConnect(e), e);
        }
    }

    @Override
    public InetSocketAddress localAddress(int slot) throws IoFailure {
        try {
            return (InetSocketAddress) channels[slot].getLocalAddress();
        } catch (IOException e) {
            throw new IoFailure(classifyIo(e), e);
        }
    }

    @Override
    public int write(int slot, int offset, int length) throws IoFailure {
        payload.limit(offset + length).position(offset);
        try {
            return channels[slot].write(payload);
        } catch (IOException e) {
            throw new IoFailure(classifyIo(e), e);
        }
    }

    @Override
    public void shutdownOutput(int slot) throws IoFailure {
        try {
            channels[slot].shutdownOutput();
        } catch (IOException e) {
            throw new IoFailure(classifyIo(e), e);
        }
    }

    @Override
    public int read(int slot, byte[] into) throws IoFailure {
        readBuffer.clear().limit(Math.min(into.length, READ_BUFFER_BYTES));
        int n;
        try {
            n = channels[slot].read(readBuffer);
        } catch (IOException e) {
            throw new IoFailure(classifyIo(e), e);
        }
        if (n > 0) {
            readBuffer.get(0, into, 0, n);
        }
        return n;
    }

    @Override
    public void watch(int slot, int flags) throws IoFailure {
        int ops = ((flags & READABLE) != 0 ? SelectionKey.OP_READ : 0) | ((flags & WRITABLE) != 0 ? SelectionKey.OP_WRITE : 0);
        SelectionKey key = keys[slot];
        try {
            if (key == null) {
                keys[slot] = channels[slot].register(selector, ops, numbers[slot]);
            } else if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        } catch (IOException e) {
            throw new IoFailure(classifyIo(e), e);
        }
    }

    @Override
    public boolean isOpen(int slot) {
        return channels[slot] != null;
    }

    @Override
    public void close(int slot) {
        SocketChannel ch = channels[slot];
        if (ch == null) {
            return;
        }
        SelectionKey key = keys[slot];
        channels[slot] = null;
        keys[slot] = null;
        if (key != null) {
            // Closing a channel that is still registered makes the JDK read SO_LINGER and
            // shutdown(2) it at once, and close the descriptor only at the next select: two
            // system calls per exchange for nothing. Cancelled now, it is deregistered by the
            // next select and then closed directly.
            key.cancel();
            if (closingCount == closing.length) {
                closing = Arrays.copyOf(closing, closing.length * 2);
            }
            closing[closingCount++] = ch;
        } else {
            closeQuietly(ch);
        }
    }

    @Override
    public int poll(long nanos, Ready handler) throws IoFailure {
        this.handler = handler;
        long millis = nanos / 1_000_000L;
        int n;
        try {
            n = millis > 0 ? selector.select(onKey, millis) : selector.selectNow(onKey);
        } catch (IOException e) {
            throw new IoFailure(classifyIo(e), e);
        }
        if (closingCount > 0) {
            closeDeregistered();
        }
        return n;
    }

    private void onKey(SelectionKey key) {
        int slot = (Integer) key.attachment();
        if (keys[slot] != key) {
            return;
        }
        int ready = key.readyOps();
        int flags = ((ready & SelectionKey.OP_READ) != 0 ? READABLE : 0)
                | ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 ? WRITABLE : 0);
        handler.ready(slot, flags);
    }

    /** Closes the channels the last select deregistered; keeps the others for the next turn. */
    private void closeDeregistered() {
        int kept = 0;
        for (int i = 0; i < closingCount; i++) {
            SocketChannel ch = closing[i];
            if (ch.isRegistered()) {
                closing[kept++] = ch;
            } else {
                closeQuietly(ch);
            }
        }
        Arrays.fill(closing, kept, closingCount, null);
        closingCount = kept;
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }

    @Override
    public boolean nanosecondWaits() {
        // Selector.select counts in milliseconds.
        return false;
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        for (int i = 0; i < channels.length; i++) {
            close(i);
        }
        for (int i = 0; i < closingCount; i++) {
            closeQuietly(closing[i]);
        }
        closingCount = 0;
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "selector close failed", e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Failures by kind. The JDK reports errno only through exception types and messages.

    static ErrorKind classifyConnect(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Too many open files")) {
            return ErrorKind.NO_DESCRIPTOR;
        }
        if (e instanceof BindException || m.contains("Cannot assign requested address") || m.contains("Address already in use")) {
            return ErrorKind.NO_LOCAL_PORT;
        }
        if (m.contains("timed out")) {
            return ErrorKind.CONNECT_TIMEOUT;
        }
        if (m.contains("reset")) {
            return ErrorKind.RESET;
        }
        if (e instanceof ConnectException) {
            return m.contains("refused") ? ErrorKind.CONNECT_REFUSED : ErrorKind.CONNECT_FAILED;
        }
        if (e instanceof NoRouteToHostException) {
            return ErrorKind.CONNECT_FAILED;
        }
        return ErrorKind.CONNECT_FAILED;
    }

    static ErrorKind classifyIo(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("reset") || m.contains("Broken pipe")) {
            return ErrorKind.RESET;
        }
        if (m.contains("Too many open files")) {
            return ErrorKind.NO_DESCRIPTOR;
        }
        return ErrorKind.OTHER_IO;
    }
}
