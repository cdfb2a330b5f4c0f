package dev.lancast.bridge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtcp.RtcpPacket;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.Timeline;
import dev.lancast.rtc.rtp.TrackRewriter;
import dev.lancast.rtc.sdp.CodecMatch;
import dev.lancast.rtc.sdp.RtpMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bridge's assembly of the media stages, driven on a fake clock with a recording feedback port. */
class IngestPipelinesTest {
    private static final long MS = 1_000_000L;
    private final Timeline videoTimeline = new Timeline(90000);
    private final TrackRewriter[] out = new TrackRewriter[Track.SLOTS];
    private final IndexTracking[] indexes = new IndexTracking[Track.SLOTS];
    private final List<String> feedback = new ArrayList<>();
    private final FeedbackPort port = new FeedbackPort() {
        @Override
        public void nack(Track track, long mediaSsrc, int[] seqs, int count) {
            feedback.add("nack " + Track.slotLabel(track.slot()) + " " + Long.toHexString(mediaSsrc) + " "
                    + Arrays.toString(Arrays.copyOf(seqs, count)));
        }

        @Override
        public void keyframeRequest(Track track, long mediaSsrc) {
            feedback.add("pli " + Long.toHexString(mediaSsrc));
        }

        @Override
        public void reportBlock(Track track, ReportBlock block) {
            feedback.add("rr " + Track.slotLabel(track.slot()) + " " + Long.toHexString(block.ssrc()));
        }
    };

    {
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            out[slot] = slot == Track.AUDIO_SLOT
                    ? new TrackRewriter(0x8000, 48000, 200, 0)
                    : new TrackRewriter(0x7000 + slot, 90000, 100 + 1000 * slot, 0, videoTimeline);
            indexes[slot] = new IndexTracking();
        }
    }

    private static CodecMatch codec(int pt, String encoding, int clock) {
        return new CodecMatch(pt, new RtpMap(pt, encoding, clock, 1), null, Map.of(), List.of());
    }

    private final IngestPipelines pipelines =
            assemble(new IngestCodecs(codec(120, "H264", 90000), codec(109, "opus", 48000)));

    private IngestPipelines assemble(IngestCodecs codecs) {
        return IngestPipelines.assemble(codecs, slot -> out[slot], slot -> indexes[slot], new SplittableRandom(1));
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

    /**
     * A simulcast packet as Chromium sends its first ones: one-byte header extensions with the RID
     * (id 10) and the transport-wide sequence number (id 3); rid null: none (as after the receiver's
     * reports named the SSRC).
     */
    static RtpPacket simulcast(int pt, int seq, long ssrc, String rid, int transportSeq) {
        byte[] ridBytes = rid == null ? new byte[0] : rid.getBytes(StandardCharsets.US_ASCII);
        int ext = 3 + (rid == null ? 0 : 1 + ridBytes.length);
        int words = (ext + 3) / 4;
        byte[] buf = new byte[12 + 4 + 4 * words + 100];
        RtpPacket.writeHeader(buf, 0, false, pt, seq, seq * 3000L, ssrc);
        buf[0] |= 0x10;
        buf[12] = (byte) 0xBE;
        buf[13] = (byte) 0xDE;
        buf[15] = (byte) words;
        int at = 16;
        buf[at++] = (byte) (3 << 4 | 1);
        buf[at++] = (byte) (transportSeq >> 8);
        buf[at++] = (byte) transportSeq;
        if (rid != null) {
            buf[at++] = (byte) (10 << 4 | (ridBytes.length - 1));
            System.arraycopy(ridBytes, 0, buf, at, ridBytes.length);
        }
        // VP8 payload: a frame start of a keyframe (S=1, PID 0; P=0), then filler.
        int payload = 16 + 4 * words;
        buf[payload] = 0x10;
        buf[payload + 1] = 0x00;
        RtpPacket p = new RtpPacket();
        assertTrue(p.wrap(buf, 0, buf.length));
        return p;
    }

    @Test
    void videoLeavesUnderTheGroupsTypeSsrcAndNumbersWithoutExtensionsAndItsGapsAreNacked() {
        RtpPacket p = withExtension(120, 5000, 0xB0B);
        assertEquals(0, pipelines.demux.slotOf(p, 0), "one video layer: slot 0");
        TrackPipeline video = pipelines.of(0);
        assertEquals(Track.Codec.H264, video.track().codec());
        assertTrue(video.onRtp(p, 0));
        assertEquals(IngestCodecs.MULTICAST_PT_H264, p.payloadType());
        assertEquals(0x7000, p.ssrc());
        assertEquals(100, p.sequenceNumber());
        assertFalse(p.hasExtension());
        assertEquals(32, p.length());
        assertEquals(0x7000, indexes[0].ssrc(), "the stream's index counts the group's SSRC and numbers");
        assertEquals(100, indexes[0].highest());
        assertTrue(video.onRtp(withExtension(120, 5003, 0xB0B), MS));
        pipelines.tickVideo(MS, port);
        video.report(2 * MS, port);
        assertEquals(
                List.of("nack video b0b [5001, 5002]", "rr video b0b"),
                feedback,
                "NACKs and report blocks name the broadcaster's SSRC and numbers");
        assertEquals(0xB0B, pipelines.demux.ssrcOf(0), "the layer's SSRC, for keyframe requests");
    }

    @Test
    void audioIsMappedToOpusOfTheGroupAndNeverNacked() {
        RtpPacket p = withExtension(109, 7, 0xA0A);
        assertEquals(Track.AUDIO_SLOT, pipelines.demux.slotOf(p, 0));
        TrackPipeline audio = pipelines.of(Track.AUDIO_SLOT);
        assertTrue(audio.onRtp(p, 0));
        assertEquals(IngestCodecs.MULTICAST_PT_OPUS, p.payloadType());
        assertEquals(200, p.sequenceNumber());
        audio.onRtp(withExtension(109, 20, 0xA0A), MS);
        pipelines.tickVideo(100 * MS, port);
        audio.tick(100 * MS, port);
        assertEquals(List.of(), feedback, "browsers do not retransmit Opus");
        assertEquals(-1, pipelines.demux.slotOf(withExtension(96, 1, 0xA0A), 0), "not a payload type of this session");
    }

    @Test
    void theSenderReportIsTranslatedIntoTheGroupsTimeline() {
        pipelines.of(0).onRtp(withExtension(120, 5000, 0xB0B), 0); // ts 50000 leaves as 0
        assertTrue(pipelines.of(0).onSenderReport(0xB0B, 1L << 32, 53000, 0));
        assertEquals(3000, out[0].translateTimestamp(53000));
        assertFalse(pipelines.of(Track.AUDIO_SLOT).onSenderReport(0xB0B, 1L << 32, 53000, 0), "not the audio source's");
    }

    @Test
    void aSessionWithoutAudioHasNoAudioPipeline() {
        IngestPipelines videoOnly = assemble(new IngestCodecs(codec(96, "VP8", 90000), null));
        assertNull(videoOnly.of(Track.AUDIO_SLOT));
        assertEquals(-1, videoOnly.demux.slotOf(withExtension(111, 1, 0xA), 0));
        assertEquals(Track.Codec.VP8, videoOnly.of(0).track().codec());
        assertNull(videoOnly.of(1), "one layer");
    }

    @Test
    void simulcastLayersAreToldApartByTheRidOfTheirFirstPacketsThenBySsrc() {
        IngestPipelines layered = assemble(
                new IngestCodecs(codec(96, "VP8", 90000), codec(111, "opus", 48000), List.of("q", "h", "f"), 10, 3));
        assertEquals(2, layered.demux.slotOf(simulcast(96, 10, 0xF0F, "f", 1), 0), "rid f is the third layer");
        assertEquals(0, layered.demux.slotOf(simulcast(96, 20, 0x0A0, "q", 2), 0));
        assertEquals(2, layered.demux.slotOf(simulcast(96, 11, 0xF0F, null, 3), 0), "no RID any more: by its SSRC");
        assertEquals(
                -1,
                layered.demux.slotOf(simulcast(96, 30, 0x444, null, 4), 0),
                "an SSRC never named by a RID cannot be placed: dropped");
        assertEquals(-1, layered.demux.slotOf(simulcast(96, 31, 0x444, "x", 5), 0), "a RID not accepted: dropped");
        assertEquals(1, layered.demux.slotOf(simulcast(96, 40, 0x0B0, "h", 6), 0));
        assertEquals(0xF0F, layered.demux.ssrcOf(2));
        assertEquals(-1, IngestPipelinesTest.slotWithoutRids(layered), "nothing learnt for layer 3");

        RtpPacket f = simulcast(96, 12, 0xF0F, "f", 7);
        assertTrue(layered.of(2).onRtp(f, 0));
        assertEquals(0x7002, f.ssrc(), "each layer has the stream's SSRC of its own");
        assertEquals(2100, f.sequenceNumber(), "and its own numbering");
        assertFalse(f.hasExtension(), "RIDs and sequence numbers of this session do not cross the multicast hop");
    }

    private static long slotWithoutRids(IngestPipelines p) {
        return p.demux.ssrcOf(3);
    }

    @Test
    void transportWideSequenceNumbersAreReportedBackWithTheirArrivalTimes() {
        IngestPipelines layered = assemble(
                new IngestCodecs(codec(96, "VP8", 90000), codec(111, "opus", 48000), List.of("q", "f"), 10, 3));
        layered.demux.slotOf(simulcast(96, 1, 0xF0F, "f", 100), 10 * MS);
        layered.demux.slotOf(simulcast(96, 2, 0xF0F, "f", 101), 11 * MS);
        layered.demux.slotOf(simulcast(96, 3, 0xF0F, "f", 103), 13 * MS);
        assertTrue(layered.congestion.pending());
        byte[] buf = new byte[1200];
        int n = layered.congestion.write(buf, 0, 0x1234);
        RtcpPacket rtcp = new RtcpPacket();
        assertTrue(rtcp.wrap(buf, 0, n), rtcp.invalidReason());
        assertTrue(rtcp.next());
        assertEquals(RtcpPacket.RTPFB, rtcp.packetType());
        assertEquals(15, rtcp.countOrFmt());
        assertEquals(100, ((buf[12] & 0xFF) << 8) | (buf[13] & 0xFF), "base sequence number");
        assertEquals(4, ((buf[14] & 0xFF) << 8) | (buf[15] & 0xFF), "100..103, 102 missing");
        assertFalse(layered.congestion.pending(), "all reported");
    }
}
