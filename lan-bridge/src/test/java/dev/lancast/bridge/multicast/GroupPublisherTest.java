package dev.lancast.bridge.multicast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * The end of the bridge's path, on loopback multicast: what a gateway receives on the group opens
 * under the published key at the stream's index, across a rotation; an upstream duplicate is not
 * protected a second time (security review N4c: with send times, each copy had another AAD under
 * the same nonce).
 */
class GroupPublisherTest {
    private final SecureRandom random = new SecureRandom();
    private final NetworkInterface lo = Interfaces.resolve("lo");
    private final InetSocketAddress video = new InetSocketAddress("239.255." + ThreadLocalRandom.current().nextInt(1, 255)
            + "." + ThreadLocalRandom.current().nextInt(1, 255), 20000 + ThreadLocalRandom.current().nextInt(20000));
    private final InetSocketAddress audio = new InetSocketAddress(video.getAddress(), video.getPort() + 2);

    private static RtpPacket packet(int seq) {
        byte[] buf = new byte[200];
        int len = RtpPacket.writeHeader(buf, 0, false, 96, seq, seq * 3000L, 0x5EED) + 100;
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
             MulticastReceiver gateway = new MulticastReceiver(loops, null, lo, video, null,
                     (buf, off, len, from) -> onGroup.add(Arrays.copyOfRange(buf, off, off + len)));
             GroupPublisher publisher = new GroupPublisher(keys, senders(new MulticastSender(loops, lo, video, 1, 34),
                     new MulticastSender(loops, lo, audio, 1, 46)), new WallClock(), () -> 0, counters, "main")) {
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

            try (SrtpReceiver underFirst = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, first.key(), first.salt(),
                         1024, (ssrc, seq) -> 0);
                 SrtpReceiver underSecond = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, second.key(), second.salt(),
                         1024, (ssrc, seq) -> 1)) {
                for (int expected : new int[] {65534, 65535, 0}) {
                    byte[] datagram = onGroup.poll(10, TimeUnit.SECONDS);
                    int keyId = GroupWireFormat.keyId(datagram, 0, datagram.length);
                    SrtpReceiver receiver = keyId == first.id() ? underFirst : underSecond;
                    int n = receiver.unprotectRtp(datagram, GroupWireFormat.HEADER_LENGTH,
                            datagram.length - GroupWireFormat.HEADER_LENGTH);
                    assertTrue(n > 0, "packet " + expected + " opens under key " + keyId + ": " + n);
                    RtpPacket got = new RtpPacket();
                    assertTrue(got.wrap(datagram, GroupWireFormat.HEADER_LENGTH, n));
                    assertEquals(expected, got.sequenceNumber());
                    assertEquals(expected == 0 ? second.id() : first.id(), keyId);
                }
                assertNull(onGroup.poll(300, TimeUnit.MILLISECONDS), "the duplicate never went out");
            }
            assertEquals(PacketIndex.of(1, 0), publisher.latestIndex(0)[1],
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
}
