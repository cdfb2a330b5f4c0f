package dev.lancast.rtc.media;

import static dev.lancast.rtc.media.Packets.MS;
import static dev.lancast.rtc.media.Packets.VIDEO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;
import org.junit.jupiter.api.Test;

class RewritingTest {
    @Test
    void packetsLeaveUnderTheTracksSsrcAndNumbersAndANewSourceContinuesThem() {
        Rewriting rewriting = new Rewriting(new TrackRewriter(0x5555, 90000, 1000, 0));
        TrackPipeline p = new TrackPipeline(VIDEO, rewriting);
        RtpPacket a = Packets.rtp(96, 40000, 777, 0xAAAA, false, 10);
        p.onRtp(a, 0);
        assertEquals(0x5555, a.ssrc());
        assertEquals(1000, a.sequenceNumber());
        assertEquals(0, a.timestamp());
        RtpPacket b = Packets.rtp(96, 7, 123456, 0xBBBB, false, 10);
        p.onRtp(b, 100 * MS);
        assertEquals(0x5555, b.ssrc());
        assertEquals(1001, b.sequenceNumber(), "the next number, whatever the new source's");
        assertEquals(9000, b.timestamp(), "advanced by the 100 ms that passed");
        assertEquals(2, rewriting.rewriter().packets());
    }
}
