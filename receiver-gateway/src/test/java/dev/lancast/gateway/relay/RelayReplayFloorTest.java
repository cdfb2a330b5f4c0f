package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpSender;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 22 (N17): a gateway that has just started took the first authenticated multicast packet
 * of a key on trust. A host that recorded the group earlier under the same key sends it a genuine
 * but old packet first: accepted, and the window then let its recorded successors in too. With the
 * bridge's published index (GET /api/keys {@code indexes}) the relay refuses it as a replay.
 */
@Tag("loopback")
class RelayReplayFloorTest {
    private static final String STREAM = "main";
    private static final int KEY_ID = 7;
    private static final long VIDEO_SSRC = 0x0A0B0C0DL;
    private static final InetSocketAddress BRIDGE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

    private final EventLoops media = new EventLoops("test-relay", 1);
    private final EventLoop home = (EventLoop) media.group().next();
    private final CounterTable table = new CounterTable();
    private final DatagramChannel sink = (DatagramChannel) new Bootstrap()
            .group(home)
            .channelFactory(media.datagramChannelFactory())
            .handler(new ChannelInboundHandlerAdapter())
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .syncUninterruptibly()
            .channel();
    private final FeedbackSender feedback = new FeedbackSender(
            media, home, InetAddress.getLoopbackAddress(), new SecureRandom(), (buf, off, len, from) -> {}, table);
    private final StreamRelay relay = new StreamRelay(
            STREAM,
            media,
            home,
            null,
            new ShardedFanout(STREAM, home, List.of(sink), System::nanoTime, table),
            feedback,
            null,
            null,
            DeliveryControl.NONE,
            0,
            table,
            System::nanoTime);
    private final GroupKey key = GroupKey.generate(KEY_ID, new SecureRandom());

    @AfterEach
    void stop() {
        relay.close();
        feedback.close();
        sink.close().syncUninterruptibly();
        media.close();
    }

    @Test
    void aRecordedPacketOlderThanThePublishedIndexIsARelayFirstPacketNoMore() {
        // The bridge has sent up to (ROC 2, seq 40000) when this gateway fetches its keys.
        relay.updateKeys(new GroupKeys(
                KEY_ID,
                List.of(new GroupKeys.Key(KEY_ID, key.toHex(), STREAM)),
                List.of(new GroupKeys.StreamIndex(STREAM, "video", VIDEO_SSRC, 2, 40_000)),
                null));
        StreamCatalog.Stream entry = new StreamCatalog.Stream(
                STREAM,
                true,
                KEY_ID,
                "127.0.0.1:9",
                List.of(new StreamCatalog.Track(
                        "video", "VP8", 96, 90000, 0, null, VIDEO_SSRC, "239.255.0.1", 5004, null)),
                null);
        home.submit(() -> relay.useEntryWithoutJoining(entry)).syncUninterruptibly(); // the media loop's, as a plan is
        // Genuine, recorded earlier under the same key: 5,000 packets back (its rollover counter is
        // still the one the relay estimates; one more than 2^15 back fails authentication anyway).
        byte[] recorded = datagram(2, 35_000);
        byte[] live = datagram(2, 40_001);
        home.submit(() -> {
                    relay.onDatagram(recorded, 0, recorded.length, BRIDGE);
                    relay.onDatagram(live, 0, live.length, BRIDGE);
                })
                .syncUninterruptibly();
        assertEquals(1, relay.dropped(DropReason.REPLAYED), "the recorded packet is a replay");
        assertEquals(1, relay.received(), "the live one authenticates");
    }

    /** The group datagram the bridge sends for (roc, seq) of the video SSRC under the key. */
    private byte[] datagram(int roc, int seq) {
        try (SrtpSender bridge =
                new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), (ssrc, s) -> roc)) {
            byte[] out = new byte[1500];
            int at = GroupWireFormat.HEADER_LENGTH;
            int len = RtpPacket.writeHeader(out, at, false, 96, seq, seq * 3000L, VIDEO_SSRC) + 100;
            out[at + 12] = 0x10; // VP8 payload descriptor: start of a partition
            int n = bridge.protectRtp(out, at, len);
            GroupWireFormat.writeHeader(out, 0, KEY_ID);
            return Arrays.copyOf(out, at + n);
        }
    }
}
