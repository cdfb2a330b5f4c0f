package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

class KeyframeCacheTest {
    private final KeyframeCache cache = new KeyframeCache();
    private final RtpPacket rtp = new RtpPacket();

    private void packet(int seq, boolean marker, int length, boolean start) {
        byte[] buf = new byte[length];
        RtpPacket.writeHeader(buf, 0, marker, 96, seq, 90_000, 7);
        rtp.wrap(buf, 0, length);
        cache.onPacket(rtp, start);
    }

    @Test
    void aCompleteKeyframeIsKept() {
        packet(10, false, 1200, true);
        packet(11, true, 800, false);
        assertEquals(2, cache.count());
        assertEquals(800, cache.length(1));
    }

    /** Issue 14: an authenticated packet over 1500 bytes threw ArrayIndexOutOfBounds on every packet. */
    @Test
    void aKeyframeWithAPacketTooLongForASlotIsNotCachedAndTheLastOneStays() {
        packet(10, false, 1200, true);
        packet(11, true, 800, false);
        packet(20, false, 1400, true);
        packet(21, false, KeyframeCache.MAX_PACKET_BYTES + 100, false);
        packet(22, true, 900, false);
        assertEquals(2, cache.count(), "the previous complete keyframe is still offered");
        assertEquals(800, cache.length(1));
        packet(30, false, 1000, true);
        packet(31, true, 1000, false);
        assertEquals(2, cache.count());
        assertEquals(1000, cache.length(1), "the next keyframe is cached again");
    }
}
