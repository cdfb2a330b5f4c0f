package dev.lancast.rtc.multicast;

import dev.lancast.rtc.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * Joins one multicast group on one named interface and hands each datagram to a handler on the
 * channel's event loop. The socket is bound to the group address, so it never sees other groups'
 * traffic even where IP_MULTICAST_ALL is on.
 */
public final class MulticastReceiver implements AutoCloseable {
    /** Buffers are only valid during the call. */
    @FunctionalInterface
    public interface Handler {
        void onDatagram(byte[] buf, int off, int len, InetSocketAddress sender);
    }

    private final DatagramChannel channel;
    private final InetSocketAddress group;
    private final NetworkInterface iface;
    private final byte[] scratch = new byte[2048];
    private final InetAddress source;

    /** @param source the only sender to accept (a source-specific join, IGMPv3), or null for any */
    public MulticastReceiver(
            EventLoops loops,
            EventLoop loop,
            NetworkInterface iface,
            InetSocketAddress group,
            InetAddress source,
            Handler handler) {
        if (!group.getAddress().isMulticastAddress()) {
            throw new IllegalArgumentException(group.getAddress().getHostAddress() + " is not a multicast group");
        }
        this.group = group;
        this.iface = iface;
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loop == null ? loops.group() : loop)
                .channelFactory(loops.datagramChannelFactory())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.IP_MULTICAST_IF, iface)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ByteBuf content = packet.content();
                        int len = content.readableBytes();
                        if (len > scratch.length) {
                            return;
                        }
                        content.getBytes(content.readerIndex(), scratch, 0, len);
                        handler.onDatagram(scratch, 0, len, packet.sender());
                    }
                })
                .bind(group)
                .syncUninterruptibly()
                .channel();
        this.source = source;
        if (source == null) {
            channel.joinGroup(group, iface).syncUninterruptibly();
        } else {
            channel.joinGroup(group.getAddress(), iface, source).syncUninterruptibly();
        }
    }

    public InetSocketAddress group() {
        return group;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public void close() {
        if (channel.isOpen()) {
            if (source == null) {
                channel.leaveGroup(group, iface).awaitUninterruptibly();
            } else {
                channel.leaveGroup(group.getAddress(), iface, source).awaitUninterruptibly();
            }
        }
        channel.close().syncUninterruptibly();
    }
}
