package dev.lancast.gateway.relay;

import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * Sends this gateway's feedback to the bridge by unicast: SRTCP under the group key, in the
 * lancast datagram format. The gateway's RTCP SSRC is random per process, so two gateways (or two
 * runs) never reuse a GCM nonce under the shared key. Media event loop only.
 */
public final class FeedbackSender implements AutoCloseable {
    private final DatagramChannel channel;
    private final SrtpSender srtcp;
    private final int keyId;
    private final long ssrc;
    private final byte[] scratch = new byte[1500];
    private long sent;

    public FeedbackSender(EventLoops loops, EventLoop loop, InetAddress bindAddress, GroupKey key, SecureRandom random) {
        this.srtcp = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt());
        this.keyId = key.id();
        this.ssrc = random.nextInt() & 0xFFFFFFFFL;
        this.channel = (DatagramChannel) new Bootstrap()
                .group(loop)
                .channel(loops.datagramChannelClass())
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(bindAddress, 0)).syncUninterruptibly().channel();
    }

    /** Asks the bridge for a keyframe of the stream whose multicast video SSRC is mediaSsrc. */
    public void sendPli(InetSocketAddress bridge, long mediaSsrc) {
        int off = GroupWireFormat.HEADER_LENGTH;
        int n = RtcpWriter.writePli(scratch, off, ssrc, mediaSsrc);
        n = srtcp.protectRtcp(scratch, off, n);
        GroupWireFormat.writeHeader(scratch, 0, keyId);
        channel.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(scratch, 0, off + n), bridge),
                channel.voidPromise());
        sent++;
    }

    public long sent() {
        return sent;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        srtcp.close();
    }
}
