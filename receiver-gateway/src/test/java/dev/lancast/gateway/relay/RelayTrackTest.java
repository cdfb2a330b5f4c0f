package dev.lancast.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.Timeline;
import dev.lancast.rtc.srtp.PacketIndex;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway relay's assembly of a track's upstream stages, on a fake clock with a recording feedback port. */
class RelayTrackTest {
    private static final long MS = 1_000_000L;
    private static final InetSocketAddress BRIDGE = new InetSocketAddress("198.18.0.1", 5005);
    private static final Track VIDEO = new Track(Track.Kind.VIDEO, 0xB0B, 90000, 96, Track.Codec.VP8, BRIDGE);

    private final List<String> feedback = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();
    private final FeedbackPort port = new FeedbackPort() {
        @Override
        public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
            feedback.add("nack " + track.feedback().getPort() + " " + Long.toHexString(mediaSsrc) + " "
                    + Arrays.toString(Arrays.copyOf(seqs, count)));
        }

        @Override
        public void keyframeRequest(Track track, long mediaSsrc) {
            feedback.add("pli");
        }

        @Override
        public void reportBlock(Track track, ReportBlock block) {
            feedback.add("rr " + Long.toHexString(block.ssrc()) + " lost " + block.cumulativeLost());
        }
    };
    private final IndexTracking index = new IndexTracking();
    private final RelayTrack video = RelayTrack.assemble(
            VIDEO,
            index,
            new Timeline(90000),
            (track, was, now, at) -> changes.add(Long.toHexString(was) + "->" + Long.toHexString(now)));

    private static RtpPacket packet(int seq, long ts, long ssrc) {
        byte[] buf = new byte[112];
        RtpPacket.writeHeader(buf, 0, false, 96, seq, ts, ssrc);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(buf, 0, buf.length));
        return p;
    }

    @Test
    void lossIsNackedAndReportedInTheBridgesNumbersWhileViewersGetTheFirstSsrcAndNumbersOn() {
        RtpPacket first = packet(65534, 1000, 0xB0B);
        assertTrue(video.pipeline.onRtp(first, 0));
        assertEquals(0xB0B, first.ssrc(), "the first source's numbers go to viewers as they are");
        assertEquals(65534, first.sequenceNumber());
        video.pipeline.onRtp(packet(1, 4000, 0xB0B), MS); // 65535 and 0 lost, across the wrap
        assertEquals(PacketIndex.of(1, 1), index.highest(), "the index counts the wrap");
        video.pipeline.tick(10 * MS, port);
        video.pipeline.report(20 * MS, port);
        assertEquals(List.of("nack 5005 b0b [65535, 0]", "rr b0b lost 2"), feedback);

        // A restarted bridge: a new SSRC and numbers; viewers go on with theirs.
        RtpPacket restarted = packet(30000, 777, 0xC0C);
        video.pipeline.onRtp(restarted, 1000 * MS);
        assertEquals(List.of("b0b->c0c"), changes);
        assertEquals(0xB0B, restarted.ssrc());
        assertEquals(2, restarted.sequenceNumber());
        feedback.clear();
        video.pipeline.tick(2000 * MS, port);
        video.pipeline.report(2000 * MS, port);
        assertEquals(List.of("rr c0c lost 0"), feedback, "the old source's gaps are neither asked for nor reported");
        assertEquals(2, video.nacks.loss().unrecovered());
    }

    @Test
    void theBridgesSenderReportIsMappedIntoTheViewersTimeline() {
        video.pipeline.onRtp(packet(10, 1000, 0xB0B), 0);
        video.pipeline.onRtp(packet(11, 4000, 0xC0C), 1000 * MS); // viewers' timestamp 1000 + 90000 ticks
        assertTrue(video.pipeline.onSenderReport(0xC0C, 5L << 32, 7000, 1000 * MS), "the tap took the report");
        assertEquals(1000 + 90000 + 3000, video.senderReports.rtpTimestamp());
        assertEquals(0xB0B, video.viewers.outSsrc());
    }
}
