package dev.lancast.rtc.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reused envelopes on a real loopback socket: every datagram arrives with its own bytes. */
@Tag("loopback")
class OutboundDatagramsTest {
    @Test
    void reusedEnvelopesCarryEachDatagramsOwnBytes() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (EventLoops loops = new EventLoops("test-outbound", 1);
                DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            receiver.setReceiveBufferSize(4 << 20);
            receiver.setSoTimeout(5000);
            DatagramChannel channel = (DatagramChannel) new Bootstrap()
                    .group(loops.group())
                    .channelFactory(loops.datagramChannelFactory())
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(loopback, 0))
                    .syncUninterruptibly()
                    .channel();
            OutboundDatagrams datagrams = new OutboundDatagrams();
            InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
            int count = 500;
            long[] fallbacks = new long[1];
            channel.eventLoop()
                    .submit(() -> {
                        for (int i = 0; i < count; i++) {
                            byte[] data = new byte[100 + i % 900];
                            Arrays.fill(data, (byte) i);
                            datagrams.write(channel, to, data, data.length);
                            channel.flush();
                        }
                        fallbacks[0] = datagrams.fallbacks();
                    })
                    .syncUninterruptibly();
            byte[] buf = new byte[2048];
            for (int i = 0; i < count; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                receiver.receive(p);
                byte[] expected = new byte[100 + i % 900];
                Arrays.fill(expected, (byte) i);
                assertArrayEquals(expected, Arrays.copyOf(buf, p.getLength()), "datagram " + i);
            }
            // One write per flush: the same envelope is free again for the next (a few may still be in flight).
            assertTrue(fallbacks[0] < count / 10, "new datagrams allocated: " + fallbacks[0]);
            channel.eventLoop().submit(datagrams::release).syncUninterruptibly();
            channel.close().syncUninterruptibly();
            assertEquals(0, channel.isOpen() ? 1 : 0);
        }
    }
}
