package dev.lancast.rtc.media;

import static dev.lancast.rtc.media.Packets.VIDEO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.srtp.PacketIndex;
import org.junit.jupiter.api.Test;

class IndexTrackingTest {
    private final IndexTracking index = new IndexTracking();
    private final TrackPipeline p = new TrackPipeline(VIDEO, index);

    @Test
    void thePublishedIndexGivesTheRolloverCounterAndPacketsMoveItOnAcrossTheWrap() {
        assertEquals(PacketIndex.UNKNOWN, index.highest());
        index.advanceTo(0xAAAA, PacketIndex.of(3, 65530));
        assertEquals(3, index.rolloverCounter(65533));
        assertEquals(4, index.rolloverCounter(2), "just past the wrap");
        p.onRtp(Packets.rtp(65535, 0xAAAA), 0);
        p.onRtp(Packets.rtp(1, 0xAAAA), 0);
        assertEquals(PacketIndex.of(4, 1), index.highest());
        index.advanceTo(0xAAAA, PacketIndex.of(3, 10));
        assertEquals(PacketIndex.of(4, 1), index.highest(), "an older published index does not move it back");
    }

    @Test
    void anotherSsrcStartsANewCount() {
        index.advanceTo(0xAAAA, PacketIndex.of(9, 100));
        p.onRtp(Packets.rtp(500, 0xBBBB), 0);
        assertEquals(0xBBBB, index.ssrc());
        assertEquals(PacketIndex.of(0, 500), index.highest());
    }
}
