package dev.lancast.bridge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;
import dev.lancast.rtc.sdp.CodecMatch;
import dev.lancast.rtc.sdp.RtpMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bridge's assembly of the media stages, driven on a fake clock with a recording feedback port. */
class IngestPipelinesTest {
    private static final long MS = 1_000_000L;
    private final TrackRewriter videoOut = new TrackRewriter(0x7000, 90000, 100, 0);
    private final TrackRewriter audioOut = new TrackRewriter(0x8000, 48000, 200, 0);
    private final IndexTracking videoIndex = new IndexTracking();
    private final IndexTracking audioIndex = new IndexTracking();
    private final List<String> feedback = new ArrayList<>();
    private final FeedbackPort port = new FeedbackPort() {
        @Override
        public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
            feedback.add("nack " + track.kind() + " " + Long.toHexString(mediaSsrc) + " " + Arrays.toString(Arrays.copyOf(seqs, count)));
        }

        @Override
        public void keyframeRequest(Track track, long mediaSsrc) {
            feedback.add("pli " + Long.toHexString(mediaSsrc));
        }

        @Override
        public void reportBlock(Track track, ReportBlock block) {
            feedback.add("rr " + track.kind() + " " + Long.toHexString(block.ssrc()));
        }
    };

    private static CodecMatch codec(int pt, String encoding, int clock) {
        return new CodecMatch(pt, new RtpMap(pt, encoding, clock, 1), null, Map.of(), List.of());
    }

    private final IngestPipelines pipelines = assemble(new IngestCodecs(codec(120, "H264", 90000), codec(109, "opus", 48000)));

    private IngestPipelines assemble(IngestCodecs codecs) {
        return IngestPipelines.assemble(codecs, k -> k == Track.Kind.VIDEO ? videoOut : audioOut,
                k -> k == Track.Kind.VIDEO ? videoIndex : audioIndex, new SplittableRandom(1));
    }

    /** A broadcaster's packet with a one-word header extension (abs-send-time or the like). */
    private static RtpPacket withExtension(int pt, int seq, long ssrc) {
        byte[] buf = new byte[12 + 8 + 20];
        RtpPacket.writeHeader(buf, 0, false, pt, seq, seq * 10L, ssrc);
        buf[0] |= 0x10;
        buf[12] = (byte) 0xBE;
        buf[13] = (byte) 0xDE;
        buf[15] = 1;
        buf[16] = 0x22;
        Arrays.fill(buf, 20, buf.length, (byte) 5);
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(buf, 0, buf.length));
        return p;
    }

    @Test
    void videoLeavesUnderTheGroupsTypeSsrcAndNumbersWithoutExtensionsAndItsGapsAreNacked() {
        TrackPipeline video = pipelines.forPayloadType(120);
        assertSame(pipelines.of(Track.Kind.VIDEO), video);
        assertEquals(Track.Codec.H264, video.track().codec());
        RtpPacket p = withExtension(120, 5000, 0xB0B);
        assertTrue(video.onRtp(p, 0));
        assertEquals(IngestCodecs.MULTICAST_PT_H264, p.payloadType());
        assertEquals(0x7000, p.ssrc());
        assertEquals(100, p.sequenceNumber());
        assertFalse(p.hasExtension());
        assertEquals(32, p.length());
        assertEquals(0x7000, videoIndex.ssrc(), "the stream's index counts the group's SSRC and numbers");
        assertEquals(100, videoIndex.highest());
        assertTrue(video.onRtp(withExtension(120, 5003, 0xB0B), MS));
        video.tick(MS, port);
        video.report(2 * MS, port);
        assertEquals(List.of("nack VIDEO b0b [5001, 5002]", "rr VIDEO b0b"), feedback,
                "NACKs and report blocks name the broadcaster's SSRC and numbers");
    }

    @Test
    void audioIsMappedToOpusOfTheGroupAndNeverNacked() {
        TrackPipeline audio = pipelines.forPayloadType(109);
        RtpPacket p = withExtension(109, 7, 0xA0A);
        assertTrue(audio.onRtp(p, 0));
        assertEquals(IngestCodecs.MULTICAST_PT_OPUS, p.payloadType());
        assertEquals(200, p.sequenceNumber());
        audio.onRtp(withExtension(109, 20, 0xA0A), MS);
        audio.tick(100 * MS, port);
        assertEquals(List.of(), feedback, "browsers do not retransmit Opus");
        assertNull(pipelines.forPayloadType(96), "not a payload type of this session");
    }

    @Test
    void theSenderReportIsTranslatedIntoTheGroupsTimeline() {
        pipelines.of(Track.Kind.VIDEO).onRtp(withExtension(120, 5000, 0xB0B), 0); // ts 50000 leaves as 0
        assertTrue(pipelines.of(Track.Kind.VIDEO).onSenderReport(0xB0B, 1L << 32, 53000, 0));
        assertEquals(3000, videoOut.translateTimestamp(53000));
        assertFalse(pipelines.of(Track.Kind.AUDIO).onSenderReport(0xB0B, 1L << 32, 53000, 0), "not the audio source's");
    }

    @Test
    void aSessionWithoutAudioHasNoAudioPipeline() {
        IngestPipelines videoOnly = assemble(new IngestCodecs(codec(96, "VP8", 90000), null));
        assertNull(videoOnly.of(Track.Kind.AUDIO));
        assertNull(videoOnly.forPayloadType(111));
        assertEquals(Track.Codec.VP8, videoOnly.of(Track.Kind.VIDEO).track().codec());
    }
}
