package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.counters.CounterTable;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.multicast.GroupKey;
import dev.lancast.rtc.multicast.GroupWireFormat;
import dev.lancast.rtc.protocol.DropReason;
import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.SrtpProfile;
import dev.lancast.rtc.srtp.SrtpReceiver;
import dev.lancast.rtc.srtp.SrtpSender;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway's front door on byte arrays, no sockets (jitsi's SrtpDecryptTest is the model): a
 * group datagram passes to its track's slot, decrypted in place, or is dropped and counted by
 * reason; a datagram with an SSRC the plan does not name costs no crypto context.
 */
class RelayFrontTest {
    private static final long VIDEO_SSRC = 0xAAAA_0001L;
    private static final long AUDIO_SSRC = 0xAAAA_0002L;
    private final SecureRandom random = new SecureRandom();
    private final GroupKey key = GroupKey.generate(9, random);
    private final List<SrtpReceiver> opened = new ArrayList<>();
    private final RelayFront front = new RelayFront(
            k -> {
                SrtpReceiver r = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, k.key(), k.salt(), 1024, 2);
                opened.add(r);
                return r;
            },
            new CounterTable(),
            "main");
    private final RelayPlan plan = RelayPlan.ofTracks(
            new Track(Track.Kind.VIDEO, VIDEO_SSRC, 90000, 96, Track.Codec.VP8, null),
            new Track(Track.Kind.AUDIO, AUDIO_SSRC, 48000, 111, Track.Codec.OPUS, null));
    private final List<String> passed = new ArrayList<>();
    private final RelayFront.Sink sink = new RelayFront.Sink() {
        @Override
        public void onRtp(int slot, RtpPacket rtp) {
            passed.add("rtp slot " + slot + " seq " + rtp.sequenceNumber() + " payload "
                    + rtp.buffer()[rtp.payloadOffset()]);
        }

        @Override
        public void onRtcp(byte[] buf, int off, int len) {
            passed.add("rtcp " + len);
        }
    };

    /** A group datagram as the bridge makes it: lancast header, then SRTP under the key (fresh sender per SSRC). */
    private byte[] datagram(GroupKey under, long ssrc, int seq, byte content) {
        byte[] buf = new byte[200];
        int at = GroupWireFormat.HEADER_LENGTH;
        int len = RtpPacket.writeHeader(buf, at, false, 96, seq, seq * 3000L, ssrc) + 100;
        Arrays.fill(buf, at + RtpPacket.FIXED_HEADER, at + len, content);
        if (content == 0) {
            buf[at] |= 0x20; // padding, whose length (the last byte) is 0: malformed once opened
        }
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, under.key(), under.salt())) {
            int n = sender.protectRtp(buf, at, len);
            GroupWireFormat.writeHeader(buf, 0, under.id());
            return Arrays.copyOf(buf, at + n);
        }
    }

    private void receive(byte[] datagram) {
        byte[] copy = datagram.clone();
        front.onDatagram(copy, 0, copy.length, plan, sink, false);
    }

    @Test
    void aGroupDatagramReachesItsTracksSlotDecrypted() {
        front.useKeys(List.of(key));
        receive(datagram(key, VIDEO_SSRC, 10, (byte) 7));
        receive(datagram(key, AUDIO_SSRC, 20, (byte) 8));
        assertEquals(
                List.of("rtp slot 0 seq 10 payload 7", "rtp slot " + Track.AUDIO_SLOT + " seq 20 payload 8"), passed);
        assertEquals(2, front.received());
        assertEquals(0, front.dropped());
    }

    @Test
    void senderReportsGoToTheRtcpSink() {
        front.useKeys(List.of(key));
        byte[] buf = new byte[200];
        int at = GroupWireFormat.HEADER_LENGTH;
        int len = RtcpWriter.writeSenderReport(buf, at, VIDEO_SSRC, 1L << 32, 9000, 10, 1000);
        int n;
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key.key(), key.salt())) {
            n = sender.protectRtcp(buf, at, len);
        }
        GroupWireFormat.writeHeader(buf, 0, key.id());
        receive(Arrays.copyOf(buf, at + n));
        assertEquals(List.of("rtcp " + len), passed);
    }

    @Test
    void everyDropHasItsReasonAndNothingUnauthenticatedPasses() {
        front.useKeys(List.of(key));
        receive(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        assertEquals(1, front.dropped(DropReason.NOT_LANCAST));

        GroupKey other = GroupKey.generate(10, random);
        receive(datagram(other, VIDEO_SSRC, 1, (byte) 1));
        assertEquals(1, front.dropped(DropReason.UNKNOWN_KEY));

        receive(Arrays.copyOf(datagram(key, VIDEO_SSRC, 1, (byte) 1), GroupWireFormat.HEADER_LENGTH + 8));
        assertEquals(2, front.dropped(DropReason.NOT_LANCAST), "too short to be lancast's");

        receive(datagram(key, VIDEO_SSRC, 2, (byte) 0)); // the padding bit below with a padding length of 0
        assertEquals(1, front.dropped(DropReason.MALFORMED), "authenticated, but not an RTP packet");

        int contexts = opened.get(0).contexts(); // the video SSRC's, whose malformed packet authenticated
        for (int i = 0; i < 100; i++) {
            receive(datagram(key, 0xBBBB_0000L + i, i, (byte) 1));
        }
        assertEquals(100, front.dropped(DropReason.UNKNOWN_SSRC));
        assertEquals(contexts, opened.get(0).contexts(), "no crypto context for an SSRC the catalog does not name");

        byte[] tampered = datagram(key, AUDIO_SSRC, 5, (byte) 1);
        tampered[tampered.length - 20] ^= 1;
        receive(tampered);
        assertEquals(1, front.dropped(DropReason.AUTH_FAILED));
        assertEquals(contexts, opened.get(0).contexts(), "nor for one whose packet did not authenticate");

        byte[] good = datagram(key, VIDEO_SSRC, 6, (byte) 3);
        receive(good);
        receive(good);
        assertEquals(1, front.dropped(DropReason.REPLAYED));
        assertEquals(List.of("rtp slot 0 seq 6 payload 3"), passed);
        assertEquals(106, front.dropped(), "2 + 1 + 1 + 100 + 1 + 1");
    }

    @Test
    void anIdGivenToNewMaterialOpensWithTheNewKeyAndNoLongerWithTheOld() {
        front.useKeys(List.of(key));
        GroupKey reissued = GroupKey.generate(key.id(), random);
        front.useKeys(List.of(reissued));
        receive(datagram(key, VIDEO_SSRC, 1, (byte) 1));
        receive(datagram(reissued, VIDEO_SSRC, 2, (byte) 2));
        assertEquals(1, front.dropped(DropReason.AUTH_FAILED), "the stale material is gone");
        assertEquals(List.of("rtp slot 0 seq 2 payload 2"), passed);
        assertTrue(front.hasKey(key.id()));
        front.useKeys(List.of());
        receive(datagram(reissued, VIDEO_SSRC, 3, (byte) 3));
        assertEquals(1, front.dropped(DropReason.UNKNOWN_KEY), "a key no longer published opens nothing");
    }
}
