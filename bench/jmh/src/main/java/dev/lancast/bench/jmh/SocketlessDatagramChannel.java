package dev.lancast.bench.jmh;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * What the benchmarks' socketless datagram channels share: multicast membership is refused (nothing
 * here ever reaches a network), and their {@link Config} has no socket options.
 */
interface SocketlessDatagramChannel extends DatagramChannel {

    private ChannelFuture refused() {
        return newFailedFuture(new UnsupportedOperationException("a sink channel joins no group"));
    }

    @Override
    default ChannelFuture joinGroup(InetAddress group) {
        return refused();
    }

    @Override
    default ChannelFuture joinGroup(InetAddress group, ChannelPromise promise) {
        return refused();
    }

    @Override
    default ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface) {
        return refused();
    }

    @Override
    default ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return refused();
    }

    @Override
    default ChannelFuture joinGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return refused();
    }

    @Override
    default ChannelFuture joinGroup(
            InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    @Override
    default ChannelFuture leaveGroup(InetAddress group) {
        return refused();
    }

    @Override
    default ChannelFuture leaveGroup(InetAddress group, ChannelPromise promise) {
        return refused();
    }

    @Override
    default ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface) {
        return refused();
    }

    @Override
    default ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface iface, ChannelPromise promise) {
        return refused();
    }

    @Override
    default ChannelFuture leaveGroup(InetAddress group, NetworkInterface iface, InetAddress source) {
        return refused();
    }

    @Override
    default ChannelFuture leaveGroup(
            InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    @Override
    default ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source) {
        return refused();
    }

    @Override
    default ChannelFuture block(InetAddress group, NetworkInterface iface, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    @Override
    default ChannelFuture block(InetAddress group, InetAddress source) {
        return refused();
    }

    @Override
    default ChannelFuture block(InetAddress group, InetAddress source, ChannelPromise promise) {
        return refused();
    }

    /** The channel options of a datagram channel, none of which applies without a socket. */
    final class Config extends DefaultChannelConfig implements DatagramChannelConfig {
        Config(Channel channel) {
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
