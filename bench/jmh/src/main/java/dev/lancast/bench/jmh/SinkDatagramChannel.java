package dev.lancast.bench.jmh;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * A datagram channel without a socket, for benchmarks of what the media path does before the
 * kernel: writes are released and counted where the socket write would begin, so a benchmark
 * measures our code and Netty's pipeline, not the system call. Its event loop is the calling
 * thread (EmbeddedChannel): tasks queued on it run only when {@link #runPendingTasks()} is called.
 * Multicast membership is refused: nothing here ever reaches a network.
 */
public final class SinkDatagramChannel extends EmbeddedChannel implements DatagramChannel {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    private final Sink sink;
    private Config config;

    public SinkDatagramChannel() {
        this(new Sink());
    }

    private SinkDatagramChannel(Sink sink) {
        super(sink);
        this.sink = sink;
    }

    /** Datagrams written (and dropped) so far. */
    public long written() {
        return sink.written;
    }

    @Override
    public DatagramChannelConfig config() {
        // Made on first use: EmbeddedChannel's constructor already asks for it.
        if (config == null) {
            config = new Config(this);
        }
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    private ChannelFuture refused() {
        return newFailedFuture(new UnsupportedOperationException("a sink channel joins no group"));
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group) {
        return refused();
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, ChannelPromise promise) {
        return refused();
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface) {
        return refused();
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return refused();
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return refused();
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group) {
        return refused();
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, ChannelPromise promise) {
        return refused();
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface) {
        return refused();
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return refused();
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return refused();
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source) {
        return refused();
    }

    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source) {
        return refused();
    }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    /** First (and only) outbound handler: ends each write and flush where the socket would take it. */
    private static final class Sink extends ChannelOutboundHandlerAdapter {
        long written;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written++;
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // Nothing is queued: every write ended above.
        }
    }

    /** The channel options of a datagram channel, none of which applies without a socket. */
    private static final class Config extends DefaultChannelConfig implements DatagramChannelConfig {
        Config(SinkDatagramChannel channel) {
            super(channel);
        }

        private static UnsupportedOperationException noSocket() {
            return new UnsupportedOperationException("a sink channel has no socket options");
        }

        @Override
        public int getSendBufferSize() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setSendBufferSize(int size) {
            throw noSocket();
        }

        @Override
        public int getReceiveBufferSize() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setReceiveBufferSize(int size) {
            throw noSocket();
        }

        @Override
        public int getTrafficClass() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setTrafficClass(int trafficClass) {
            throw noSocket();
        }

        @Override
        public boolean isReuseAddress() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setReuseAddress(boolean reuse) {
            throw noSocket();
        }

        @Override
        public boolean isBroadcast() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setBroadcast(boolean broadcast) {
            throw noSocket();
        }

        @Override
        public boolean isLoopbackModeDisabled() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setLoopbackModeDisabled(boolean disabled) {
            throw noSocket();
        }

        @Override
        public int getTimeToLive() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setTimeToLive(int ttl) {
            throw noSocket();
        }

        @Override
        public InetAddress getInterface() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setInterface(InetAddress address) {
            throw noSocket();
        }

        @Override
        public NetworkInterface getNetworkInterface() {
            throw noSocket();
        }

        @Override
        public DatagramChannelConfig setNetworkInterface(NetworkInterface iface) {
            throw noSocket();
        }

        @Override
        @Deprecated
        @SuppressWarnings("deprecation")
        public DatagramChannelConfig setMaxMessagesPerRead(int n) {
            super.setMaxMessagesPerRead(n);
            return this;
        }

        @Override
        public DatagramChannelConfig setWriteSpinCount(int n) {
            super.setWriteSpinCount(n);
            return this;
        }

        @Override
        public DatagramChannelConfig setConnectTimeoutMillis(int millis) {
            super.setConnectTimeoutMillis(millis);
            return this;
        }

        @Override
        public DatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
            super.setAllocator(allocator);
            return this;
        }

        @Override
        public DatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
            super.setRecvByteBufAllocator(allocator);
            return this;
        }

        @Override
        public DatagramChannelConfig setAutoRead(boolean autoRead) {
            super.setAutoRead(autoRead);
            return this;
        }

        @Override
        public DatagramChannelConfig setAutoClose(boolean autoClose) {
            super.setAutoClose(autoClose);
            return this;
        }

        @Override
        public DatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
            super.setMessageSizeEstimator(estimator);
            return this;
        }

        @Override
        public DatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark mark) {
            super.setWriteBufferWaterMark(mark);
            return this;
        }
    }
}
