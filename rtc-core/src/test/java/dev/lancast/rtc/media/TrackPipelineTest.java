package dev.lancast.rtc.media;

import static dev.lancast.rtc.media.Packets.VIDEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackPipelineTest {
    private final List<String> seen = new ArrayList<>();

    private Stage stage(String name, boolean pass) {
        return new Stage() {
            @Override
            public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
                seen.add(name + ":" + packet.sequenceNumber());
                return pass;
            }

            @Override
            public void onSourceChanged(Track track, long nowNanos) {
                seen.add(name + ":new source");
            }

            @Override
            public void onTick(Track track, long nowNanos, FeedbackPort out) {
                seen.add(name + ":tick");
            }

            @Override
            public void onReport(Track track, long nowNanos, FeedbackPort out) {
                seen.add(name + ":report");
            }
        };
    }

    @Test
    void stagesRunInOrderAndADropStopsTheRest() {
        TrackPipeline p = new TrackPipeline(VIDEO, stage("a", true), stage("b", false), stage("c", true));
        assertFalse(p.onRtp(Packets.rtp(5, 1), 0));
        assertEquals(List.of("a:5", "b:5"), seen);
        seen.clear();
        TrackPipeline all = new TrackPipeline(VIDEO, stage("a", true), stage("c", true));
        assertTrue(all.onRtp(Packets.rtp(6, 1), 0));
        all.tick(0, new RecordingFeedbackPort());
        all.report(0, new RecordingFeedbackPort());
        assertEquals(List.of("a:6", "c:6", "a:tick", "c:tick", "a:report", "c:report"), seen);
    }

    @Test
    void aNewSourceIsToldToEveryStageAndTheOwnerBeforeItsFirstPacketButNotTheFirstSource() {
        List<String> changes = new ArrayList<>();
        TrackPipeline p = new TrackPipeline(
                VIDEO, (track, was, now, at) -> changes.add(was + "->" + now), stage("a", true), stage("b", true));
        p.onRtp(Packets.rtp(1, 10), 0);
        p.onRtp(Packets.rtp(2, 10), 0);
        assertEquals(List.of(), changes, "the first source is no change");
        seen.clear();
        p.onRtp(Packets.rtp(900, 20), 0);
        assertEquals(List.of("10->20"), changes);
        assertEquals(List.of("a:new source", "b:new source", "a:900", "b:900"), seen);
        assertEquals(20, p.sourceSsrc());
    }

    @Test
    void aNewTrackDescriptorMustBeOfTheSameKind() {
        TrackPipeline p = new TrackPipeline(VIDEO);
        Track moved = new Track(Track.Kind.VIDEO, 0x9999, 90000, 96, Track.Codec.H264, null);
        p.use(moved);
        assertEquals(moved, p.track());
        assertThrows(IllegalArgumentException.class, () -> p.use(Packets.AUDIO));
    }
}
