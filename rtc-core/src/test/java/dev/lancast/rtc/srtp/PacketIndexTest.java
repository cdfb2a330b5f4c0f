package dev.lancast.rtc.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lancast.rtc.rtp.RtpPacket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketIndexTest {
    @Test
    void estimatesTheRolloverCounterAroundTheReference() {
        assertEquals(PacketIndex.of(0, 7), PacketIndex.estimate(PacketIndex.UNKNOWN, 7), "no reference: ROC 0");
        long ref = PacketIndex.of(5, 65530);
        assertEquals(PacketIndex.of(6, 3), PacketIndex.estimate(ref, 3), "just after the wrap");
        assertEquals(PacketIndex.of(5, 65500), PacketIndex.estimate(ref, 65500), "a little late");
        assertEquals(PacketIndex.of(5, 40000), PacketIndex.estimate(ref, 40000));
        ref = PacketIndex.of(5, 10);
        assertEquals(PacketIndex.of(4, 65530), PacketIndex.estimate(ref, 65530), "late, from before the wrap");
        assertEquals(PacketIndex.of(5, 20), PacketIndex.estimate(ref, 20));
        assertEquals(PacketIndex.of(0, 65530), PacketIndex.estimate(PacketIndex.of(0, 10), 65530), "never below ROC 0");
        assertThrows(IllegalArgumentException.class, () -> PacketIndex.of(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> PacketIndex.of(0, 65536));
    }

    @Test
    void trackerFollowsTheWrapsAndIgnoresLatePackets() {
        PacketIndex.Tracker t = new PacketIndex.Tracker();
        assertEquals(PacketIndex.of(0, 65534), t.update(65534));
        assertEquals(PacketIndex.of(1, 1), t.update(1));
        assertEquals(PacketIndex.of(0, 65535), t.update(65535), "a late packet keeps its ROC");
        assertEquals(PacketIndex.of(1, 1), t.highest());
        t.advanceTo(PacketIndex.of(3, 100));
        assertEquals(PacketIndex.of(3, 101), t.update(101));
        t.advanceTo(PacketIndex.of(1, 0));
        assertEquals(PacketIndex.of(3, 101), t.highest(), "an older reference does not move it back");
    }

    /**
     * A receiver made mid-stream, after the sender's ROC reached 2: with ROC 0 (what a new
     * context assumes) nothing authenticates; with the ROC its RolloverCounters gives, everything does.
     */
    @Test
    void aReceiverThatJoinsAfterTheWrapNeedsTheRolloverCounter() {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        Arrays.fill(key, (byte) 3);
        Arrays.fill(salt, (byte) 5);
        long joinAt = PacketIndex.of(2, 65000);
        try (SrtpSender sender = new SrtpSender(SrtpProfile.AEAD_AES_128_GCM, key, salt, (ssrc, seq) -> 2);
                SrtpReceiver guessing = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key, salt, 1024);
                SrtpReceiver told = new SrtpReceiver(SrtpProfile.AEAD_AES_128_GCM, key, salt, 1024, (ssrc, seq) ->
                        (int) PacketIndex.roc(PacketIndex.estimate(joinAt, seq)))) {
            byte[] buf = new byte[200];
            byte[] copy = new byte[200];
            for (int i = 65001; i < 65001 + 1000; i++) { // crosses the wrap: ROC 2 -> 3
                int seq = i & 0xFFFF;
                int len = RtpPacket.writeHeader(buf, 0, false, 96, seq, i * 3000L, 0x1234) + 50;
                int n = sender.protectRtp(buf, 0, len);
                System.arraycopy(buf, 0, copy, 0, n);
                assertEquals(SrtpReceiver.AUTH_FAIL, guessing.unprotectRtp(copy, 0, n), "ROC 0 at seq " + seq);
                assertEquals(len, told.unprotectRtp(buf, 0, n), "told the ROC, at seq " + seq);
            }
        }
    }
}
