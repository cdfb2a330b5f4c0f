package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.catalog.GroupKeys;
import dev.lancast.rtc.catalog.StreamCatalog;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.net.EventLoops;
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
 * What the bridge sends by unicast (repairs, the fallback's copies) reaches the relay of the stream
 * by any of its tracks' SSRCs: a layer's and audio's too (with track slots, audio's slot comes after
 * the four video layers'; a router that looked at the first two slots only dropped every audio copy,
 * so a gateway on the unicast copy played video without sound: e2e campus-fallback).
 */
@Tag("loopback")
class RepairRouterTest {
    private static final String STREAM = "main";
    private static final int KEY_ID = 7;
    private static final long VIDEO_SSRC = 0x0A0B0C0DL;
    private static final long LAYER1_SSRC = 0x0A0B0C0EL;
    private static final long AUDIO_SSRC = 0x01020304L;
    private static final InetSocketAddress BRIDGE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

    private final EventLoops media = new EventLoops("test-router", 1);
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
    private final RepairRouter router = new RepairRouter();
    private final StreamRelay relay = new StreamRelay(
            STREAM,
            media,
            home,
            null,
            new ShardedFanout(STREAM, home, List.of(sink), System::nanoTime, table),
            feedback,
            router,
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
    void unicastDatagramsOfEveryTrackSlotReachTheirRelay() {
        relay.updateKeys(
                new GroupKeys(KEY_ID, List.of(new GroupKeys.Key(KEY_ID, key.toHex(), STREAM)), List.of(), null));
        StreamCatalog.Stream entry = new StreamCatalog.Stream(
                STREAM,
                true,
                KEY_ID,
                "127.0.0.1:9",
                List.of(
                        new StreamCatalog.Track(
                                "video", "VP8", 96, 90000, 0, null, VIDEO_SSRC, "239.255.0.1", 5004, null),
                        new StreamCatalog.Track(
                                "video",
                                "VP8",
                                96,
                                90000,
                                0,
                                null,
                                LAYER1_SSRC,
                                "239.255.0.2",
                                5004,
                                null,
                                1,
                                "h",
                                0,
                                0,
                                0,
                                0),
                        new StreamCatalog.Track(
                                "audio", "opus", 111, 48000, 2, null, AUDIO_SSRC, "239.255.0.1", 5006, null)),
                null);
        home.submit(() -> relay.useEntryWithoutJoining(entry)).syncUninterruptibly();
        byte[] video = datagram(VIDEO_SSRC, 96, 100);
        byte[] layer1 = datagram(LAYER1_SSRC, 96, 200);
        byte[] audio = datagram(AUDIO_SSRC, 111, 300);
        byte[] unknown = datagram(0x0BADL, 111, 400);
        home.submit(() -> {
                    router.onDatagram(video, 0, video.length, BRIDGE);
                    router.onDatagram(layer1, 0, layer1.length, BRIDGE);
                    router.onDatagram(audio, 0, audio.length, BRIDGE);
                    router.onDatagram(unknown, 0, unknown.length, BRIDGE);
                })
                .syncUninterruptibly();
        assertEquals(3, relay.received(), "video, layer 1 and audio reach the relay; an unknown SSRC does not");
    }

    /** The datagram the bridge sends for seq of ssrc under the key. */
    private byte[] datagram(long ssrc, int pt, int seq) {
        try (SrtpSender bridge = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt(), (s, q) -> 0)) {
            byte[] out = new byte[1500];
            int at = GroupWireFormat.HEADER_LENGTH;
            int len = RtpPacket.writeHeader(out, at, false, pt, seq, seq * 3000L, ssrc) + 100;
            out[at + 12] = 0x10; // VP8 payload descriptor: start of a partition (harmless for audio)
            int n = bridge.protectRtp(out, at, len);
            GroupWireFormat.writeHeader(out, 0, KEY_ID);
            return Arrays.copyOf(out, at + n);
        }
    }
}
