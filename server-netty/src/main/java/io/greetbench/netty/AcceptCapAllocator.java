package io.greetbench.netty;

import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A listener's read allocator that ends an accept burst at the connection cap.
 *
 * <p>Turning {@code autoRead} off in {@link ListenerHandler#channelRead} stops the epoll and
 * io_uring accept loops at once, because they hand each connection to the pipeline as soon as it
 * is accepted. NIO's loop accepts a whole batch (16 by default) before the pipeline sees any of
 * it, so a burst could overshoot the cap by up to a batch. This allocator counts the
 * connections accepted but not yet handed on, and its {@code continueReading} says no once those
 * plus the open ones reach the cap.
 *
 * <p>Confined to the listener's event loop, like the handles it creates.
 */
@SuppressWarnings("deprecation") // RecvByteBufAllocator.Handle is deprecated but ExtendedHandle extends it
final class AcceptCapAllocator implements RecvByteBufAllocator {

    private final RecvByteBufAllocator delegate;
    private final ListenerHandler listener;

    AcceptCapAllocator(RecvByteBufAllocator delegate, ListenerHandler listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    @Override
    public Handle newHandle() {
        return new CappedHandle((ExtendedHandle) delegate.newHandle());
    }

    /** Netty's handle with the cap added: only the counting and the stop are its own. */
    private final class CappedHandle extends DelegatingHandle implements ExtendedHandle {
        private final ExtendedHandle handle;

        CappedHandle(ExtendedHandle handle) {
            super(handle);
            this.handle = handle;
        }

        @Override
        public void incMessagesRead(int numMessages) {
            handle.incMessagesRead(numMessages);
            listener.acceptedNotYetCounted(numMessages);
        }

        @Override
        public boolean continueReading() {
            return handle.continueReading() && listener.hasRoomForMore();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return handle.continueReading(maybeMoreDataSupplier) && listener.hasRoomForMore();
        }

        @Override
        public void reset(ChannelConfig config) {
            // A new read batch: every connection of the last one reached the pipeline, or failed.
            listener.newAcceptBatch();
            handle.reset(config);
        }
    }
}
