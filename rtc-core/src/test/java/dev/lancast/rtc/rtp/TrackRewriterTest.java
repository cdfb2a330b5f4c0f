package dev.lancast.rtc.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrackRewriterTest {
    private final byte[] buf = new byte[32];
    private final RtpPacket rtp = new RtpPacket();

    private RtpPacket packet(long ssrc, int seq, long ts) {
        RtpPacket.writeHeader(buf, 0, false, 96, seq, ts, ssrc);
        rtp.wrap(buf, 0, 20);
        return rtp;
    }

    @Test
    void keepsOneSsrcAndContinuousNumbersAcrossBroadcasters() {
        TrackRewriter rewriter = new TrackRewriter(0xAAAA, 90000, 65534, 1000);
        long t0 = 1_000_000_000L;
        rewriter.rewrite(packet(1, 500, 50_000), t0);
        assertEquals(0xAAAA, rtp.ssrc());
        assertEquals(65534, rtp.sequenceNumber());
        assertEquals(1000, rtp.timestamp());
        rewriter.rewrite(packet(1, 501, 53_000), t0 + 33_000_000L);
        assertEquals(65535, rtp.sequenceNumber());
        assertEquals(4000, rtp.timestamp());

        // A new broadcaster (new SSRC, unrelated numbers) 500 ms later.
        rewriter.rewrite(packet(2, 9, 7_777_777), t0 + 533_000_000L);
        assertEquals(0xAAAA, rtp.ssrc());
        assertEquals(0, rtp.sequenceNumber(), "sequence continues across the wrap");
        assertEquals(4000 + 45_000, rtp.timestamp(), "timestamp advances by the 500 ms that passed");
        rewriter.rewrite(packet(2, 10, 7_780_777), t0 + 566_000_000L);
        assertEquals(1, rtp.sequenceNumber());
        assertEquals(4000 + 48_000, rtp.timestamp());
        assertEquals(4000 + 48_000 + 3000, rewriter.translateTimestamp(7_783_777));
    }

    @Test
    void reorderedPacketsKeepTheirPlace() {
        TrackRewriter rewriter = new TrackRewriter(1, 48000, 100, 0);
        rewriter.rewrite(packet(5, 10, 0), 0);
        rewriter.rewrite(packet(5, 12, 1920), 40_000_000L);
        rewriter.rewrite(packet(5, 11, 960), 41_000_000L);
        assertEquals(101, rtp.sequenceNumber());
        // a new source continues after the highest number sent, not after the late one
        rewriter.rewrite(packet(6, 1000, 0), 60_000_000L);
        assertEquals(103, rtp.sequenceNumber());
    }

    @Test
    void aGatewaysRewriterPassesTheFirstSourceAsItIsAndContinuesItAfterARestartedBridge() {
        TrackRewriter rewriter = new TrackRewriter(0xBBBB, 90000);
        long t0 = 5_000_000_000L;
        rewriter.rewrite(packet(0xBBBB, 65535, 90_000), t0);
        assertEquals(0xBBBB, rtp.ssrc());
        assertEquals(65535, rtp.sequenceNumber());
        assertEquals(90_000, rtp.timestamp());
        // The bridge restarted: new SSRC, new random numbers, 2 s later.
        rewriter.rewrite(packet(0x1234, 17, 7), t0 + 2_000_000_000L);
        assertEquals(0xBBBB, rtp.ssrc());
        assertEquals(0, rtp.sequenceNumber());
        assertEquals(90_000 + 180_000, rtp.timestamp());
    }

    /**
     * Security review N4a: a packet of a new source older than its first (reordered across the
     * rebase) would map onto numbers the previous source used: refused, left as it was.
     */
    @Test
    void aNewSourcesPacketFromBeforeItsFirstIsRefusedNotGivenAnUsedNumber() {
        TrackRewriter rewriter = new TrackRewriter(1, 90000, 100, 0);
        assertTrue(rewriter.rewrite(packet(5, 10, 0), 0));
        assertTrue(rewriter.rewrite(packet(5, 11, 3000), MS));
        assertTrue(rewriter.rewrite(packet(6, 500, 0), 2 * MS), "a new source continues at 102");
        assertEquals(102, rtp.sequenceNumber());
        assertFalse(rewriter.rewrite(packet(6, 499, 0), 3 * MS), "its packet 499 would be 101, the old source's");
        assertEquals(499, rtp.sequenceNumber(), "untouched");
        assertEquals(6, rtp.ssrc());
        assertTrue(rewriter.rewrite(packet(6, 501, 3000), 4 * MS));
        assertEquals(103, rtp.sequenceNumber());
    }

    /** The check of a source's first number is on counts that do not wrap: a long stream goes on. */
    @Test
    void aSourceGoesOnPastHalfAndAllOfItsSequenceSpace() {
        TrackRewriter rewriter = new TrackRewriter(1, 90000);
        for (int i = 0; i < 3 * 65536; i += 7) {
            assertTrue(rewriter.rewrite(packet(5, i & 0xFFFF, i), i), "packet " + i);
            assertEquals(i & 0xFFFF, rtp.sequenceNumber());
        }
    }

    /** Security review N4b: a new session that keeps the old one's SSRC and starts its numbers anew. */
    @Test
    void aForcedRebaseContinuesTheNumbersWhenTheSsrcStaysTheSame() {
        TrackRewriter rewriter = new TrackRewriter(1, 90000, 100, 0);
        rewriter.rewrite(packet(5, 30_000, 0), 0);
        rewriter.rewrite(packet(5, 30_001, 3000), MS);
        rewriter.forceRebase();
        assertTrue(rewriter.rewrite(packet(5, 7, 0), 2 * MS));
        assertEquals(102, rtp.sequenceNumber(), "not 30,000 numbers back (an index used before)");
        rewriter.rewrite(packet(5, 8, 3000), 3 * MS);
        assertEquals(103, rtp.sequenceNumber(), "one rebase only");
    }

    private static final long MS = 1_000_000L;
}
