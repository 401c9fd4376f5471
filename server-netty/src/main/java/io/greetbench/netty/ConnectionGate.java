package io.greetbench.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection cap shared by every listener of one server: counts open connections and stops
 * the listeners from accepting while the count is at {@code maxConnections}, so that further
 * clients wait in the kernel's backlog instead of being accepted and left unserved.
 *
 * <p>Thread-safe. Connections open on a listener's event loop and close on their own event loop,
 * possibly another one; pausing and resuming a listener always runs on that listener's loop, where
 * {@link ListenerHandler} recomputes its {@code autoRead} from the current count, so racing
 * open/close events converge to the right state whatever order they arrive in.
 */
final class ConnectionGate {

    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final List<ListenerHandler> listeners = new CopyOnWriteArrayList<>();
    private final Set<Channel> children = ConcurrentHashMap.newKeySet();

    ConnectionGate(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    void register(ListenerHandler listener) {
        listeners.add(listener);
    }

    int open() {
        return open.get();
    }

    boolean isFull() {
        return open.get() >= maxConnections;
    }

    /** Whether {@code pending} more accepts would still fit under the cap. */
    boolean hasRoomFor(int pending) {
        return open.get() + pending < maxConnections;
    }

    /** Counts a connection just accepted on a listener's loop; it is uncounted when it closes. */
    void opened(Channel child) {
        open.incrementAndGet();
        children.add(child);
        child.closeFuture().addListener(f -> closed(child));
    }

    /** Closes every connection still open, and waits until they are. */
    void closeAll() {
        List<ChannelFuture> closing = new ArrayList<>(children.size());
        for (Channel child : children) {
            closing.add(child.close());
        }
        for (ChannelFuture closed : closing) {
            closed.awaitUninterruptibly();
        }
    }

    /** Listeners still accepting; 0 once every one has run its recheck at the cap. */
    int accepting() {
        return (int) listeners.stream().filter(ListenerHandler::accepting).count();
    }

    /** Makes every listener but {@code self} re-evaluate whether it may accept. */
    void recheckOthers(ListenerHandler self) {
        for (ListenerHandler listener : listeners) {
            if (listener != self) {
                listener.recheckLater();
            }
        }
    }

    private void closed(Channel child) {
        children.remove(child);
        // Only the close that takes the count from the cap to below it has listeners to wake.
        if (open.getAndDecrement() == maxConnections) {
            for (ListenerHandler listener : listeners) {
                listener.recheckLater();
            }
        }
    }
}
