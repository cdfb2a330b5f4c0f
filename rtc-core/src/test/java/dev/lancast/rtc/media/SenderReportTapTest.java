package dev.lancast.rtc.media;

import static dev.lancast.rtc.media.Packets.MS;
import static dev.lancast.rtc.media.Packets.VIDEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.rtp.TrackRewriter;
import org.junit.jupiter.api.Test;

class SenderReportTapTest {
    private final TrackRewriter rewriter = new TrackRewriter(0x5555, 90000, 100, 50_000);
    private final SenderReportTap tap = new SenderReportTap(rewriter);
    private final TrackPipeline p = new TrackPipeline(VIDEO, new Rewriting(rewriter), tap);

    @Test
    void theSourcesMappingIsTranslatedIntoTheOutgoingTimeline() {
        assertFalse(tap.onSenderReport(Packets.VIDEO, 0xAAAA, 1L << 32, 1000, 0), "before the source's first packet");
        p.onRtp(Packets.rtp(96, 7, 1000, 0xAAAA, false, 100), 0);
        assertFalse(tap.onSenderReport(Packets.VIDEO, 0xCCCC, 1L << 32, 1000, 0), "another SSRC's report");
        assertFalse(tap.hasMapping());
        assertTrue(tap.onSenderReport(Packets.VIDEO, 0xAAAA, 0x0000_0002_8000_0000L, 4000, 5 * MS));
        assertEquals(0x0000_0002_8000_0000L, tap.ntp());
        assertEquals(
                53_000, tap.rtpTimestamp(), "the source's 4000 is 3000 after its first packet, which left as 50000");
        assertEquals(0x0002_8000L, tap.lsr());
        assertEquals(65536, tap.dlsr(1005 * MS));
        assertEquals(1, tap.packets());
        assertEquals(100, tap.octets());
    }

    @Test
    void aNewSourceForgetsTheMapping() {
        p.onRtp(Packets.rtp(96, 7, 1000, 0xAAAA, false, 100), 0);
        tap.onSenderReport(Packets.VIDEO, 0xAAAA, 1L << 32, 1000, 0);
        p.onRtp(Packets.rtp(96, 9, 1000, 0xBBBB, false, 100), 10 * MS);
        assertFalse(tap.hasMapping());
        assertEquals(-1, tap.lsr());
        assertEquals(0, tap.dlsr(20 * MS));
        assertFalse(
                tap.onSenderReport(Packets.VIDEO, 0xAAAA, 1L << 32, 1000, 0),
                "the old source's report is no longer taken");
    }
}
