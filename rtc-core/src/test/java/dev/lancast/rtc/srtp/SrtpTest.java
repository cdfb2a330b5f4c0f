package dev.lancast.rtc.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.rtcp.RtcpWriter;
import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * RFC 3711 B.3 gives the session keys derived from this master key and salt. We protect a
     * packet through jitsi-srtp with the master key, and compute the expected SRTP packet here,
     * independently, from the RFC's session keys (AES-CM per 4.1.1, HMAC-SHA1-80 per 4.2.1).
     */
    @Test
    void aesCmHmacSha1MatchesRfc3711SessionKeys() throws Exception {
        byte[] masterKey = HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6");
        byte[] sessionKey = HEX.parseHex("C61E7A93744F39EE10734AFE3FF7A087");
        byte[] sessionSalt = HEX.parseHex("30CBBC08863D8C85D49DB34A9AE1");
        byte[] authKey = HEX.parseHex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");

        byte[] packet = new byte[64];
        long ssrc = 0xCAFEBABEL;
        int seq = 4660;
        RtpPacket.writeHeader(packet, 0, true, 96, seq, 123456, ssrc);
        byte[] payload = "lancast known answer payload".getBytes();
        System.arraycopy(payload, 0, packet, 12, payload.length);
        int len = 12 + payload.length;
        byte[] plain = Arrays.copyOf(packet, len);

        try (SrtpSender sender = new SrtpSender(SrtpProfile.AES128_CM_HMAC_SHA1_80, masterKey, masterSalt)) {
            int n = sender.protectRtp(packet, 0, len);
            assertEquals(len + 10, n);

            byte[] iv = new byte[16];
            System.arraycopy(sessionSalt, 0, iv, 0, 14);
            for (int i = 0; i < 4; i++) {
                iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
            }
            iv[12] ^= (byte) (seq >>> 8);
            iv[13] ^= (byte) seq;
            Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"), new IvParameterSpec(iv));
            byte[] expected = Arrays.copyOf(plain, len + 10);
            byte[] encrypted = ctr.doFinal(plain, 12, payload.length);
            System.arraycopy(encrypted, 0, expected, 12, encrypted.length);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authKey, "HmacSHA1"));
            mac.update(expected, 0, len);
            byte[] tag = mac.doFinal(new byte[4]); // ROC 0
            System.arraycopy(tag, 0, expected, len, 10);
            assertArrayEquals(expected, Arrays.copyOf(packet, n));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripTamperAndReplay(SrtpProfile profile) {
        byte[] key = new byte[16];
        byte[] salt = new byte[profile.saltLength()];
        Arrays.fill(key, (byte) 7);
        Arrays.fill(salt, (byte) 9);
        try (SrtpSender sender = new SrtpSender(profile, key, salt);
                SrtpReceiver receiver = new SrtpReceiver(profile, key, salt)) {
            byte[] buf = new byte[200];
            for (int seq = 65530; seq < 65540; seq++) { // crosses the 16-bit wrap (ROC 0 -> 1)
                int len = RtpPacket.writeHeader(buf, 0, false, 111, seq & 0xFFFF, seq * 960L, 42) + 50;
                Arrays.fill(buf, 12, len, (byte) seq);
                byte[] plain = Arrays.copyOf(buf, len);
                int protectedLength = sender.protectRtp(buf, 0, len);
                assertEquals(len + profile.rtpOverhead(), protectedLength);
                byte[] wire = Arrays.copyOf(buf, protectedLength);
                assertEquals(len, receiver.unprotectRtp(buf, 0, protectedLength), "seq " + seq);
                assertArrayEquals(plain, Arrays.copyOf(buf, len));
                byte[] replay = wire.clone();
                assertEquals(SrtpReceiver.REPLAY, receiver.unprotectRtp(replay, 0, replay.length));
            }
            int len = RtpPacket.writeHeader(buf, 0, false, 111, 10, 0, 42) + 50;
            int n = sender.protectRtp(buf, 0, len);
            buf[20] ^= 1;
            assertEquals(SrtpReceiver.AUTH_FAIL, receiver.unprotectRtp(buf, 0, n));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripAndTamper(SrtpProfile profile) {
        byte[] key = new byte[16];
        byte[] salt = new byte[profile.saltLength()];
        try (SrtpSender sender = new SrtpSender(profile, key, salt);
                SrtpReceiver receiver = new SrtpReceiver(profile, key, salt)) {
            byte[] buf = new byte[100];
            int len = RtcpWriter.writePli(buf, 0, 1234, 5678);
            byte[] plain = Arrays.copyOf(buf, len);
            int n = sender.protectRtcp(buf, 0, len);
            assertEquals(len + profile.rtcpOverhead(), n);
            byte[] tampered = Arrays.copyOf(buf, n);
            tampered[9] ^= 1;
            assertEquals(SrtpReceiver.AUTH_FAIL, receiver.unprotectRtcp(tampered, 0, n));
            assertEquals(len, receiver.unprotectRtcp(buf, 0, n));
            assertArrayEquals(plain, Arrays.copyOf(buf, len));
        }
    }

    /** A repaired packet 200 behind the newest: too old for a 64 window, fine for the group's 1024. */
    @Test
    void aWideReplayWindowAcceptsLateRepairsButNotDuplicates() {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key, salt);
                SrtpReceiver narrow = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key, salt);
                SrtpReceiver wide = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key, salt, 1024)) {
            byte[][] wire = new byte[300][];
            byte[] buf = new byte[100];
            for (int seq = 0; seq < 300; seq++) {
                int len = RtpPacket.writeHeader(buf, 0, false, 96, (65400 + seq) & 0xFFFF, seq, 9) + 20;
                wire[seq] = Arrays.copyOf(buf, sender.protectRtp(buf, 0, len));
            }
            for (int seq = 0; seq < 300; seq++) {
                if (seq == 50) {
                    continue; // lost on the hop, across the sequence number wrap
                }
                assertEquals(32, narrow.unprotectRtp(wire[seq].clone(), 0, wire[seq].length));
                assertEquals(32, wide.unprotectRtp(wire[seq].clone(), 0, wire[seq].length));
            }
            assertEquals(SrtpReceiver.REPLAY, narrow.unprotectRtp(wire[50].clone(), 0, wire[50].length));
            assertEquals(32, wide.unprotectRtp(wire[50].clone(), 0, wire[50].length), "the late repair is taken");
            assertEquals(SrtpReceiver.REPLAY, wide.unprotectRtp(wire[50].clone(), 0, wire[50].length), "but only once");
            assertEquals(SrtpReceiver.REPLAY, wide.unprotectRtp(wire[299].clone(), 0, wire[299].length));
            byte[] forged = wire[10].clone();
            forged[20] ^= 1;
            assertEquals(
                    SrtpReceiver.AUTH_FAIL,
                    wide.unprotectRtp(forged, 0, forged.length),
                    "a tampered copy of a packet it has is a forgery, not a replay");
        }
    }

    /** Issue 14: forged packets of fresh SSRCs used to leave a crypto context each (2.8 KB) behind. */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void forgedPacketsOfNewSsrcsLeaveNoStateBehind(SrtpProfile profile) {
        byte[] key = new byte[16];
        byte[] salt = new byte[profile.saltLength()];
        Arrays.fill(key, (byte) 3);
        java.util.Random random = new java.util.Random(14);
        try (SrtpSender sender = new SrtpSender(profile, key, salt);
                SrtpReceiver receiver = new SrtpReceiver(profile, key, salt, 1024)) {
            byte[] buf = new byte[200];
            for (int i = 0; i < 2000; i++) {
                int len = RtpPacket.writeHeader(buf, 0, false, 96, i, i, random.nextInt() & 0xFFFFFFFFL) + 80;
                assertEquals(SrtpReceiver.AUTH_FAIL, receiver.unprotectRtp(buf, 0, len));
                int rtcpLen = RtcpWriter.writePli(buf, 0, random.nextInt() & 0xFFFFFFFFL, 5) + profile.rtcpOverhead();
                assertEquals(SrtpReceiver.AUTH_FAIL, receiver.unprotectRtcp(buf, 0, rtcpLen));
            }
            assertEquals(0, receiver.contexts(), "no context kept for a packet that did not authenticate");
            assertFalse(receiver.knowsRtp(42));

            int len = RtpPacket.writeHeader(buf, 0, false, 96, 1, 1, 42) + 20;
            int n = sender.protectRtp(buf, 0, len);
            assertEquals(len, receiver.unprotectRtp(buf, 0, n));
            assertTrue(receiver.knowsRtp(42));
            assertEquals(1, receiver.contexts());
        }
    }

    @Test
    void atMostMaxSsrcsAreKept() {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key, salt);
                SrtpReceiver receiver = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key, salt, 64, 2)) {
            byte[] buf = new byte[100];
            for (long ssrc = 1; ssrc <= 3; ssrc++) {
                int len = RtpPacket.writeHeader(buf, 0, false, 96, 7, 0, ssrc) + 20;
                int n = sender.protectRtp(buf, 0, len);
                assertEquals(
                        ssrc <= 2 ? len : SrtpReceiver.TOO_MANY_SSRCS,
                        receiver.unprotectRtp(buf, 0, n),
                        "ssrc " + ssrc);
            }
            int len = RtpPacket.writeHeader(buf, 0, false, 96, 8, 0, 2) + 20;
            assertEquals(len, receiver.unprotectRtp(buf, 0, sender.protectRtp(buf, 0, len)), "kept SSRCs go on");
            assertEquals(2, receiver.contexts());
            assertEquals("too many SSRCs", SrtpReceiver.reason(SrtpReceiver.TOO_MANY_SSRCS));
        }
    }

    /**
     * A repair of a packet sent before the sequence number wrapped, sent after it: sender and
     * receiver both estimate its index around the newest packet, so it keeps ROC 0. With a stream
     * that starts at ROC 3 (rocs), the first packet already carries it.
     */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aRepairFromBeforeTheWrapKeepsItsRolloverCounter(SrtpProfile profile) {
        byte[] key = new byte[16];
        byte[] salt = new byte[profile.saltLength()];
        Arrays.fill(salt, (byte) 5);
        RolloverCounters rocs = (ssrc, seq) -> 3;
        try (SrtpSender sender = new SrtpSender(profile, key, salt, rocs);
                SrtpReceiver receiver = new SrtpReceiver(profile, key, salt, 1024, rocs)) {
            byte[] buf = new byte[100];
            for (int seq = 65530; seq < 65546; seq++) {
                int len = RtpPacket.writeHeader(buf, 0, false, 96, seq & 0xFFFF, seq, 9) + 20;
                int n = sender.protectRtp(buf, 0, len);
                if (seq == 65533) {
                    continue; // lost: repaired below
                }
                assertEquals(len, receiver.unprotectRtp(buf, 0, n), "seq " + seq);
            }
            int len = RtpPacket.writeHeader(buf, 0, false, 96, 65533, 65533, 9) + 20;
            int n = sender.reprotectRtp(buf, 0, len);
            byte[] repair = Arrays.copyOf(buf, n);
            assertEquals(len, receiver.unprotectRtp(buf, 0, n), "the repair authenticates with the old ROC");
            len = RtpPacket.writeHeader(buf, 0, false, 96, 65533, 65533, 9) + 20;
            assertEquals(n, sender.reprotectRtp(buf, 0, len), "a second repair is sent too");
            assertArrayEquals(repair, Arrays.copyOf(buf, n), "as the same bytes (same index, same content)");
            assertEquals(SrtpReceiver.REPLAY, receiver.unprotectRtp(buf, 0, n), "which the receiver has already");
        }
    }

    /**
     * Issue 22 (N17): a receiver that starts mid-stream (a gateway start, a new key) took its first
     * authenticated packet on trust: a packet recorded hours earlier under the same key, sent to it
     * first, was accepted and moved its window back. Told the bridge's published index, it refuses
     * what is older than the window's reach from there, and still takes a late repair within it.
     */
    @Test
    void aReceiverThatKnowsThePublishedIndexRefusesAnOlderRecordedPacketFirst() {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        Arrays.fill(key, (byte) 3);
        long published = PacketIndex.of(5, 30_000);
        RolloverCounters rocs = (ssrc, seq) -> 5;
        byte[] recorded = protectedAt(key, salt, 10_000);
        try (SrtpReceiver fresh =
                new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key, salt, 1024, rocs, ssrc -> published, 2)) {
            assertEquals(
                    SrtpReceiver.REPLAY,
                    fresh.unprotectRtp(recorded.clone(), 0, recorded.length),
                    "a genuine packet from long before the published index");
            byte[] live = protectedAt(key, salt, 30_001);
            assertEquals(120, fresh.unprotectRtp(live, 0, live.length), "the live stream");
            byte[] late = protectedAt(key, salt, 29_500);
            assertEquals(120, fresh.unprotectRtp(late, 0, late.length), "a late repair within the window's reach");
        }
        try (SrtpReceiver unknowing =
                new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key, salt, 1024, rocs, KnownIndexes.NONE, 2)) {
            assertEquals(
                    120,
                    unknowing.unprotectRtp(recorded.clone(), 0, recorded.length),
                    "with nothing known the first packet starts the window (peer sessions)");
        }
    }

    /** A 120-byte VP8-ish RTP packet of SSRC 9 at (ROC 5, seq), protected under GCM. */
    private static byte[] protectedAt(byte[] key, byte[] salt, int seq) {
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key, salt, (ssrc, s) -> 5)) {
            byte[] buf = new byte[200];
            int len = RtpPacket.writeHeader(buf, 0, false, 96, seq, seq * 3000L, 9) + 108;
            int n = sender.protectRtp(buf, 0, len);
            return Arrays.copyOf(buf, n);
        }
    }

    /**
     * Security review N4: an index is protected once. A second, different packet under a sent
     * index (an upstream duplicate with another send-time stamp, a packet reordered across a
     * rebase) would give both contents and, under GCM, the authentication key away: refused.
     */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void anIndexSentBeforeOrOlderThanTheWindowIsRefused(SrtpProfile profile) {
        try (SrtpSender sender = new SrtpSender(profile, new byte[16], new byte[profile.saltLength()])) {
            byte[] buf = new byte[100];
            for (int seq = 100; seq < 2000; seq++) {
                int len = RtpPacket.writeHeader(buf, 0, false, 96, seq, seq, 9) + 20;
                assertTrue(sender.protectRtp(buf, 0, len) > len, "seq " + seq);
            }
            int len = RtpPacket.writeHeader(buf, 0, false, 96, 1500, 1500, 9) + 20;
            buf[len - 1] = 42; // other content under index 1500
            assertEquals(SrtpSender.REFUSED, sender.protectRtp(buf, 0, len), "an index sent before");
            len = RtpPacket.writeHeader(buf, 0, false, 96, 900, 900, 9) + 20;
            assertEquals(SrtpSender.REFUSED, sender.protectRtp(buf, 0, len), "older than the window: cannot tell");
            len = RtpPacket.writeHeader(buf, 0, false, 96, 2001, 2001, 9) + 20;
            assertTrue(sender.protectRtp(buf, 0, len) > len, "a gap is fine");
            len = RtpPacket.writeHeader(buf, 0, false, 96, 2000, 2000, 9) + 20;
            assertTrue(sender.protectRtp(buf, 0, len) > len, "and the late packet in the gap, once");
            len = RtpPacket.writeHeader(buf, 0, false, 96, 2000, 2000, 9) + 20;
            assertEquals(SrtpSender.REFUSED, sender.protectRtp(buf, 0, len));
            len = RtpPacket.writeHeader(buf, 0, false, 96, 1999, 1999, 9) + 20;
            assertTrue(sender.reprotectRtp(buf, 0, len) > len, "a repair of the same bytes says so");
        }
    }

    @Test
    void tooShortPacketsAreInvalid() {
        try (SrtpReceiver receiver = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, new byte[16], new byte[12])) {
            assertEquals(SrtpReceiver.INVALID, receiver.unprotectRtp(new byte[20], 0, 20));
            assertEquals("malformed", SrtpReceiver.reason(SrtpReceiver.INVALID));
        }
    }
}
