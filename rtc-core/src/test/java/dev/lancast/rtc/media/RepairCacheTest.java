package dev.lancast.rtc.media;

import static dev.lancast.rtc.media.Packets.MS;
import static dev.lancast.rtc.media.Packets.VIDEO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.rtp.PacketCache;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;
import org.junit.jupiter.api.Test;

class RepairCacheTest {
    @Test
    void afterRewritingPacketsAreKeptUnderTheOutgoingNumbersForTheirAge() {
        RepairCache cache = new RepairCache(new PacketCache(16, 1500, 1000 * MS));
        TrackPipeline p = new TrackPipeline(VIDEO, new Rewriting(new TrackRewriter(0x5555, 90000, 500, 0)), cache);
        p.onRtp(Packets.rtp(96, 9000, 0, 0xAAAA, false, 30), 0);
        p.onRtp(Packets.rtp(96, 9001, 0, 0xAAAA, false, 40), 0);
        byte[] out = new byte[1500];
        assertEquals(-1, cache.get(9001, 10 * MS, out, 0), "not under the source's number");
        assertEquals(52, cache.get(501, 10 * MS, out, 0));
        RtpPacket kept = new RtpPacket();
        kept.wrap(out, 0, 52);
        assertEquals(0x5555, kept.ssrc());
        assertEquals(501, kept.sequenceNumber());
        assertEquals(-1, cache.get(501, 1001 * MS, out, 0), "too old");
    }
}
