package dev.lancast.bridge.relay;

import dev.lancast.rtc.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The bridge's socket for unicast copies of its group datagrams (the fallback for gateways that
 * multicast does not reach): bound on the media loop, so the publisher writes to it without a
 * hand-off, and on the feedback address, which every gateway already reaches. Write, then one
 * flush per group datagram (the copies to all relays leave in one batch). The media loop only.
 */
public final class UnicastCopies implements AutoCloseable {
    private final DatagramChannel channel;

    public UnicastCopies(EventLoops loops, EventLoop loop, InetSocketAddress bind) {
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loop)
                .channelFactory(loops.datagramChannelFactory())
                .handler(new ChannelInboundHandlerAdapter()) // sends only; anything that arrives is discarded
                .bind(new InetSocketAddress(bind.getAddress(), 0))
                .syncUninterruptibly()
                .channel();
    }

    public void write(byte[] buf, int off, int len, InetSocketAddress to) {
        assert channel.eventLoop().inEventLoop();
        channel.write(
                new DatagramPacket(channel.alloc().directBuffer(len).writeBytes(buf, off, len), to),
                channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
