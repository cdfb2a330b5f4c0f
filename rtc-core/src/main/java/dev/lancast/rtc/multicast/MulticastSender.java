package dev.lancast.rtc.multicast;

import dev.lancast.rtc.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * Sends datagrams to one multicast group, always out of the configured interface (never the
 * default route), with the configured TTL and DSCP.
 */
public final class MulticastSender implements AutoCloseable {
    private final DatagramChannel channel;
    private final InetSocketAddress group;

    public MulticastSender(EventLoops loops, NetworkInterface iface, InetSocketAddress group, int ttl, int dscp) {
        if (!group.getAddress().isMulticastAddress()) {
            throw new IllegalArgumentException(group.getAddress().getHostAddress() + " is not a multicast group");
        }
        this.group = group;
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loops.group())
                .channelFactory(loops.datagramChannelFactory())
                .option(ChannelOption.IP_MULTICAST_IF, iface)
                .option(ChannelOption.IP_MULTICAST_TTL, ttl)
                .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                .option(ChannelOption.IP_TOS, dscp << 2)
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(dev.lancast.rtc.net.Interfaces.ipv4Address(iface), 0))
                .syncUninterruptibly().channel();
    }

    public InetSocketAddress group() {
        return group;
    }

    /** Queues a copy of the datagram; {@link #flush()} sends what is queued. Any thread. */
    public void write(byte[] buf, int off, int len) {
        ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        channel.write(new DatagramPacket(out, group), channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /** Unicast out of the same socket (answers to one gateway). */
    public void writeTo(byte[] buf, int off, int len, InetSocketAddress to) {
        ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        channel.writeAndFlush(new DatagramPacket(out, to), channel.voidPromise());
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
