package dev.lancast.rtc.media;

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
        rtp.markKeyframeStart(start);
        cache.onRtp(Packets.VIDEO, rtp, 0);
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

    /** A VP8 packet (RFC 7741): S bit on a frame's first packet; frame tag P bit 0 on a keyframe. */
    private static RtpPacket vp8(int seq, boolean frameStart, boolean keyframe, boolean marker, long ssrc) {
        RtpPacket p = Packets.rtp(96, seq, 0, ssrc, marker, 100);
        p.buffer()[p.payloadOffset()] = (byte) (frameStart ? 0x10 : 0x00);
        p.buffer()[p.payloadOffset() + 1] = (byte) (keyframe ? 0x00 : 0x01);
        return p;
    }

    @Test
    void afterTheMarkerItTellsVp8KeyframesByTheirPayloadAndForgetsThemForANewSource() {
        KeyframeCache stage = new KeyframeCache();
        TrackPipeline video = new TrackPipeline(Packets.VIDEO, new KeyframeMarker(), stage);
        video.onRtp(vp8(1, true, false, true, 0xAAAA), 0); // a delta frame: not cached
        assertEquals(0, stage.count());
        video.onRtp(vp8(2, true, true, false, 0xAAAA), 0);
        video.onRtp(vp8(4, false, true, true, 0xAAAA), 0);
        assertEquals(0, stage.count(), "packet 3 is missing");
        video.onRtp(vp8(3, false, true, false, 0xAAAA), 0); // a repair fills the hole
        assertEquals(3, stage.count());
        RtpPacket first = new RtpPacket();
        first.wrap(stage.packet(0), 0, stage.length(0));
        assertEquals(2, first.sequenceNumber());
        video.onRtp(vp8(9000, true, false, false, 0xBBBB), 0);
        assertEquals(0, stage.count(), "a restarted source's frames cannot follow the old keyframe");
    }

    @Test
    void anAudioTrackIsNotCached() {
        KeyframeCache stage = new KeyframeCache();
        new TrackPipeline(Packets.AUDIO, new KeyframeMarker(), stage).onRtp(vp8(1, true, true, true, 1), 0);
        assertEquals(0, stage.count());
    }
}
