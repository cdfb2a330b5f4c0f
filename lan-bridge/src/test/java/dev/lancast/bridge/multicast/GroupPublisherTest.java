package dev.lancast.bridge.multicast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.bridge.relay.UnicastCopies;
import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupKeyring;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.multicast.KeyIds;
import dev.lancast.rtc.multicast.MulticastReceiver;
import dev.lancast.rtc.multicast.MulticastSender;
import dev.lancast.rtc.net.EventLoops;
import dev.lancast.rtc.net.Interfaces;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.PacketIndex;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import dev.lancast.rtc.time.WallClock;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The end of the bridge's path, on loopback multicast: what a gateway receives on the group opens
 * under the published key at the stream's index, across a rotation; an upstream duplicate is not
 * protected a second time (security review N4c: with send times, each copy had another AAD under
 * the same nonce).
 */
@Tag("loopback")
class GroupPublisherTest {
    private final SecureRandom random = new SecureRandom();
    private final NetworkInterface lo = Interfaces.resolve("lo");
    private final InetSocketAddress video = new InetSocketAddress(
            "239.255." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                    + ThreadLocalRandom.current().nextInt(1, 255),
            20000 + ThreadLocalRandom.current().nextInt(20000));
    private final InetSocketAddress audio = new InetSocketAddress(video.getAddress(), video.getPort() + 2);
    private final InetSocketAddress layer1 = new InetSocketAddress(video.getAddress(), video.getPort() + 4);

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private static RtpPacket packet(int seq) {
        return packet(seq, 0x5EED);
    }

    private static RtpPacket packet(int seq, long ssrc) {
        byte[] buf = new byte[200];
        int len = RtpPacket.writeHeader(buf, 0, false, 96, seq, seq * 3000L, ssrc) + 100;
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(buf, 0, len));
        return p;
    }

    @Test
    void aDuplicateIsNotSentAgainAndTheIndexGoesOnAcrossARotation() throws Exception {
        LinkedBlockingQueue<byte[]> onGroup = new LinkedBlockingQueue<>();
        GroupKeyring keys = new GroupKeyring(random, new KeyIds(random));
        CounterTable counters = new CounterTable();
        try (EventLoops loops = new EventLoops("publisher-test", 1);
                MulticastReceiver gateway = new MulticastReceiver(
                        loops,
                        null,
                        lo,
                        video,
                        null,
                        (buf, off, len, from) -> onGroup.add(Arrays.copyOfRange(buf, off, off + len)));
                UnicastCopies unicast = new UnicastCopies(loops, loops.group().next(), LOOPBACK);
                GroupPublisher publisher = new GroupPublisher(
                        keys,
                        senders(
                                new MulticastSender(loops, lo, video, 1, 34),
                                new MulticastSender(loops, lo, audio, 1, 46)),
                        unicast,
                        new WallClock(),
                        () -> 0,
                        counters,
                        "main")) {
            GroupKey first = keys.current();
            GroupKey second = keys.published().get(1);
            // The pipeline's last stage counts the index before the publisher protects the packet.
            for (int seq = 65534; seq <= 65535; seq++) {
                publisher.index(0).onRtp(null, packet(seq), 0);
                publisher.publishRtp(0, packet(seq));
            }
            publisher.index(0).onRtp(null, packet(65535), 0);
            publisher.publishRtp(0, packet(65535)); // an upstream duplicate
            assertEquals(1, counters.samples(GroupPublisher.DUPLICATES).get(0).value(), "the duplicate is counted");
            keys.rotate();
            publisher.index(0).onRtp(null, packet(0), 0);
            publisher.publishRtp(0, packet(0)); // after the wrap, under the next key

            try (SrtpReceiver underFirst = new SrtpReceiver(
                            SrtpProfile.AEAD_AES_128_GCM, first.key(), first.salt(), 1024, (ssrc, seq) -> 0);
                    SrtpReceiver underSecond = new SrtpReceiver(
                            SrtpProfile.AEAD_AES_128_GCM, second.key(), second.salt(), 1024, (ssrc, seq) -> 1)) {
                for (int expected : new int[] {65534, 65535, 0}) {
                    byte[] datagram = onGroup.poll(10, TimeUnit.SECONDS);
                    int keyId = GroupWireFormat.keyId(datagram, 0, datagram.length);
                    SrtpReceiver receiver = keyId == first.id() ? underFirst : underSecond;
                    int n = receiver.unprotectRtp(
                            datagram, GroupWireFormat.HEADER_LENGTH, datagram.length - GroupWireFormat.HEADER_LENGTH);
                    assertTrue(n > 0, "packet " + expected + " opens under key " + keyId + ": " + n);
                    RtpPacket got = new RtpPacket();
                    assertTrue(got.wrap(datagram, GroupWireFormat.HEADER_LENGTH, n));
                    assertEquals(expected, got.sequenceNumber());
                    assertEquals(expected == 0 ? second.id() : first.id(), keyId);
                }
                assertNull(onGroup.poll(300, TimeUnit.MILLISECONDS), "the duplicate never went out");
            }
            assertEquals(
                    PacketIndex.of(1, 0),
                    publisher.latestIndex(0)[1],
                    "the published index: ROC 1 after the wrap, whatever the key");
        }
    }

    /** A stream with one video layer: its sender in slot 0, audio's in the audio slot. */
    static MulticastSender[] senders(MulticastSender video, MulticastSender audio) {
        MulticastSender[] out = new MulticastSender[Track.SLOTS];
        out[0] = video;
        out[Track.AUDIO_SLOT] = audio;
        return out;
    }

    /** A stream with two video layers and audio. */
    static MulticastSender[] senders(MulticastSender video, MulticastSender layer1, MulticastSender audio) {
        MulticastSender[] out = senders(video, audio);
        out[1] = layer1;
        return out;
    }

    /**
     * Beacons: an idle group still carries an authenticated packet (an empty receiver report from
     * the track's SSRC), so a gateway's silence means no path. A unicast copy starts with the cached
     * datagrams after the gateway's last number, then follows every datagram; none goes out twice
     * with other contents: they are the group's very bytes.
     */
    @Test
    void beaconsOnIdleGroupsAndUnicastCopiesThatStartWithWhatTheGatewayMissed() throws Exception {
        LinkedBlockingQueue<byte[]> onGroup = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<byte[]> copied = new LinkedBlockingQueue<>();
        GroupKeyring keys = new GroupKeyring(random, new KeyIds(random));
        long[] now = {1_000_000_000L};
        try (EventLoops loops = new EventLoops("publisher-test", 1);
                java.net.DatagramSocket gatewaySocket = new java.net.DatagramSocket(LOOPBACK);
                MulticastReceiver gateway = new MulticastReceiver(
                        loops,
                        null,
                        lo,
                        audio,
                        null,
                        (buf, off, len, from) -> onGroup.add(Arrays.copyOfRange(buf, off, off + len)));
                UnicastCopies unicast = new UnicastCopies(loops, loops.group().next(), LOOPBACK);
                GroupPublisher publisher = new GroupPublisher(
                        keys,
                        senders(
                                new MulticastSender(loops, lo, video, 1, 34),
                                new MulticastSender(loops, lo, layer1, 1, 34),
                                new MulticastSender(loops, lo, audio, 1, 46)),
                        unicast,
                        null,
                        () -> now[0],
                        new CounterTable(),
                        "main")) {
            io.netty.channel.EventLoop loop = loops.group().next();
            GroupKey key = keys.current();
            long[] beaconSsrcs = new long[Track.SLOTS];
            beaconSsrcs[0] = 0xB0B;
            beaconSsrcs[1] = 0xB1B;
            beaconSsrcs[Track.AUDIO_SLOT] = 0xA0A;
            loop.submit(() -> publisher.beacon(beaconSsrcs)).get();
            byte[] beacon = onGroup.poll(10, TimeUnit.SECONDS);
            try (SrtpReceiver receiver = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt())) {
                int n = receiver.unprotectRtcp(
                        beacon, GroupWireFormat.HEADER_LENGTH, beacon.length - GroupWireFormat.HEADER_LENGTH);
                assertTrue(n > 0, "the beacon authenticates: " + n);
                assertEquals(
                        0xA0A, RtpPacket.ssrcOf(beacon, GroupWireFormat.HEADER_LENGTH, n), "from the track's SSRC");
            }
            loop.submit(() -> publisher.beacon(beaconSsrcs)).get();
            assertNull(onGroup.poll(300, TimeUnit.MILLISECONDS), "not again within the interval");

            // Ten video packets; then a gateway that has up to 4 asks for a copy.
            loop.submit(() -> {
                        for (int seq = 0; seq < 10; seq++) {
                            publisher.index(0).onRtp(null, packet(seq), 0);
                            publisher.publishRtp(0, packet(seq));
                        }
                    })
                    .get();
            InetSocketAddress to = (InetSocketAddress) gatewaySocket.getLocalSocketAddress();
            loop.submit(() -> publisher.copyTo(
                            new InetSocketAddress[] {to}, java.util.Map.of(to, new int[] {4, -1, -1, -1, -1})))
                    .get();
            loop.submit(() -> {
                        publisher.index(0).onRtp(null, packet(10), 0);
                        publisher.publishRtp(0, packet(10));
                    })
                    .get();
            gatewaySocket.setSoTimeout(10_000);
            try (SrtpReceiver receiver = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt())) {
                for (int expected = 5; expected <= 10; expected++) {
                    java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2048], 2048);
                    gatewaySocket.receive(p);
                    byte[] d = Arrays.copyOf(p.getData(), p.getLength());
                    int n = receiver.unprotectRtp(
                            d, GroupWireFormat.HEADER_LENGTH, d.length - GroupWireFormat.HEADER_LENGTH);
                    assertTrue(n > 0, "copy of " + expected + " authenticates");
                    RtpPacket got = new RtpPacket();
                    assertTrue(got.wrap(d, GroupWireFormat.HEADER_LENGTH, n));
                    assertEquals(expected, got.sequenceNumber(), "the missed ones in order, then the live one");
                }
                // A layer's group is copied too: a gateway that falls back keeps every layer its viewers need.
                loop.submit(() -> {
                            publisher.index(1).onRtp(null, packet(7, 0x1A1), 0);
                            publisher.publishRtp(1, packet(7, 0x1A1));
                        })
                        .get();
                java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2048], 2048);
                gatewaySocket.receive(p);
                byte[] d = Arrays.copyOf(p.getData(), p.getLength());
                int n = receiver.unprotectRtp(
                        d, GroupWireFormat.HEADER_LENGTH, d.length - GroupWireFormat.HEADER_LENGTH);
                assertTrue(n > 0, "the layer's copy authenticates");
                assertEquals(0x1A1, RtpPacket.ssrcOf(d, GroupWireFormat.HEADER_LENGTH, n), "layer 1's packet copied");
            }
        }
    }
}
