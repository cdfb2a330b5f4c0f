package dev.lancast.gateway.relay;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.counters.CounterDescriptor;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.MulticastReceiver;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.protocol.KeyTable;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;

/**
 * Sends this gateway's feedback to the bridge by unicast: SRTCP under the group key, in the
 * lancast datagram format. The gateway's RTCP SSRC is random per process, so two gateways (or two
 * runs) never reuse a GCM nonce under the shared key. Media event loop only (its counter too).
 */
public final class FeedbackSender implements AutoCloseable {
    public static final CounterDescriptor SENT = CounterDescriptor.counter(
                    "lancast_gateway_feedback_sent", "feedback datagrams sent to the bridge")
            .status("feedbackSent");

    private final DatagramChannel channel;
    /** The feedback key in use: one entry, replaced when the bridge names another key or gives its id new material. */
    private final KeyTable<SrtpSender> keys =
            new KeyTable<>(key -> new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt()));

    private int keyId = -1;
    private final long ssrc;
    private final byte[] scratch = new byte[1500];
    private final byte[] inbound = new byte[2048];
    private final SingleWriterCounter sent;

    /**
     * @param repairs receives what the bridge sends back on this socket: retransmitted group
     *                datagrams, on the media loop
     * @param counters the process's counter table, where {@link #SENT} goes
     */
    public FeedbackSender(
            EventLoops loops,
            EventLoop loop,
            InetAddress bindAddress,
            SecureRandom random,
            MulticastReceiver.Handler repairs,
            CounterTable counters) {
        this.sent = counters.counter(SENT);
        this.ssrc = random.nextInt() & 0xFFFFFFFFL;
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loop)
                .channelFactory(loops.datagramChannelFactory())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        int len = packet.content().readableBytes();
                        if (len <= inbound.length) {
                            packet.content().getBytes(packet.content().readerIndex(), inbound, 0, len);
                            repairs.onDatagram(inbound, 0, len, packet.sender());
                        }
                    }
                })
                .bind(new InetSocketAddress(bindAddress, 0))
                .syncUninterruptibly()
                .channel();
    }

    /** Where the bridge's unicast datagrams (repairs, copies) reach this gateway. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Asks the bridge for a keyframe of the stream whose multicast video SSRC is mediaSsrc. */
    public void sendPli(InetSocketAddress bridge, long mediaSsrc) {
        int off = GroupWireFormat.HEADER_LENGTH;
        send(bridge, RtcpWriter.writePli(scratch, off, ssrc, mediaSsrc));
    }

    /** Asks the bridge to resend the first count sequence numbers of seqs of the group stream mediaSsrc. */
    public void sendNack(InetSocketAddress bridge, long mediaSsrc, int[] seqs, int count) {
        int off = GroupWireFormat.HEADER_LENGTH;
        send(bridge, RtcpWriter.writeNack(scratch, off, ssrc, mediaSsrc, seqs, count));
    }

    /** A receiver summary (RFC 3550 RR) of the multicast tracks as this gateway has them after repair. */
    public void sendReceiverReport(InetSocketAddress bridge, ReportBlock... blocks) {
        send(bridge, RtcpWriter.writeReceiverReport(scratch, GroupWireFormat.HEADER_LENGTH, ssrc, blocks));
    }

    /**
     * Feedback goes out under the bridge's feedback key in use (not a stream's). Any thread;
     * applied on the media loop.
     */
    public void updateKeys(GroupKeys published) {
        for (GroupKeys.Key k : published.keys()) {
            if (k.id() == published.current() && k.stream() == null) {
                GroupKey key = GroupKey.fromHex(k.id(), k.material());
                channel.eventLoop().execute(() -> useKey(key));
            }
        }
    }

    /** Compared by material, not id: a restarted bridge may give the old id to a new key (1 restart in 255). */
    private void useKey(GroupKey key) {
        keys.use(List.of(key));
        keyId = key.id();
    }

    private void send(InetSocketAddress bridge, int plainLength) {
        SrtpSender srtcp = keyId < 0 ? null : keys.get(keyId);
        if (srtcp == null) {
            return;
        }
        int off = GroupWireFormat.HEADER_LENGTH;
        int n = srtcp.protectRtcp(scratch, off, plainLength);
        if (n < 0) {
            return;
        }
        GroupWireFormat.writeHeader(scratch, 0, keyId);
        channel.writeAndFlush(
                new DatagramPacket(Unpooled.copiedBuffer(scratch, 0, off + n), bridge), channel.voidPromise());
        sent.increment();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        keys.close();
    }
}
