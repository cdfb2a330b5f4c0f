package dev.lancast.rtc.media;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lancast.rtc.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

/** The one stage that reads payloads for keyframes marks the packet; the mark does not survive a new wrap. */
class KeyframeMarkerTest {
    private final KeyframeMarker marker = new KeyframeMarker();

    private static RtpPacket payload(int... bytes) {
        RtpPacket p = Packets.rtp(96, 1, 0, 7, false, bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            p.buffer()[p.payloadOffset() + i] = (byte) bytes[i];
        }
        return p;
    }

    @Test
    void marksVp8AndH264KeyframeStartsByTheTracksCodec() {
        RtpPacket vp8Key = payload(0x10, 0x00);
        marker.onRtp(Packets.VIDEO, vp8Key, 0);
        assertTrue(vp8Key.startsKeyframe());
        RtpPacket vp8Delta = payload(0x10, 0x01);
        marker.onRtp(Packets.VIDEO, vp8Delta, 0);
        assertFalse(vp8Delta.startsKeyframe());
        Track h264 = new Track(Track.Kind.VIDEO, 1, 90000, 102, Track.Codec.H264, null);
        RtpPacket idr = payload(0x65, 0);
        marker.onRtp(h264, idr, 0);
        assertTrue(idr.startsKeyframe());
        RtpPacket opus = payload(0x10, 0x00);
        marker.onRtp(Packets.AUDIO, opus, 0);
        assertFalse(opus.startsKeyframe(), "Opus has no keyframes, whatever its bytes");
    }

    @Test
    void aNewWrapStartsUnmarked() {
        RtpPacket p = payload(0x10, 0x00);
        marker.onRtp(Packets.VIDEO, p, 0);
        assertTrue(p.wrap(p.buffer(), p.offset(), p.length()));
        assertFalse(p.startsKeyframe());
    }
}
