package dev.lancast.rtc.multicast;

import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
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
    private final MulticastSocketOptions.Settings settings;

    public MulticastSender(EventLoops loops, NetworkInterface iface, InetSocketAddress group, int ttl, int dscp) {
        if (!group.getAddress().isMulticastAddress()) {
            throw new IllegalArgumentException(group.getAddress().getHostAddress() + " is not a multicast group");
        }
        this.group = group;
        Bootstrap bootstrap = new Bootstrap()
                .group(loops.group())
                .channelFactory(loops.datagramChannelFactory())
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .handler(new ChannelInboundHandlerAdapter());
        this.channel = (DatagramChannel) MulticastSocketOptions.apply(bootstrap, loops.isEpoll(), iface, ttl, dscp)
                .bind(new InetSocketAddress(Interfaces.ipv4Address(iface), 0))
                .syncUninterruptibly()
                .channel();
        this.settings = MulticastSocketOptions.read(channel);
        if (settings.ttl() != ttl || settings.dscp() != dscp) {
            channel.close();
            throw new IllegalStateException("the socket to " + group + " kept TTL " + settings.ttl() + " and DSCP "
                    + settings.dscp() + ", not the TTL " + ttl + " and DSCP " + dscp + " set");
        }
    }

    /** The TTL, DSCP, interface and loopback the socket really has (read back once it was set up). */
    public MulticastSocketOptions.Settings settings() {
        return settings;
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

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
