package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.Keyframes;
import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Tells, once per packet, whether a video packet starts a keyframe, by the track's codec
 * ({@link Keyframes}), and marks the packet with it ({@link RtpPacket#startsKeyframe()}): the
 * stages and the fan-out after it (keyframe caches on every media loop, layer switches) read the
 * mark instead of the payload. The one place that reads codec payloads for keyframes.
 */
public final class KeyframeMarker implements Stage {
    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        packet.markKeyframeStart(starts(track.codec(), packet));
        return true;
    }

    /** Whether a packet of this codec starts a keyframe (for a client that reads what it receives, too). */
    public static boolean starts(Track.Codec codec, RtpPacket packet) {
        return switch (codec) {
            case VP8 -> Keyframes.vp8(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
            case H264 -> Keyframes.h264(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
            default -> false;
        };
    }
}
