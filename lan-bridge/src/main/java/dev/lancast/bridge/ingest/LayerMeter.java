package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.Stage;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.Keyframes;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.Vp8Descriptor;
import java.util.concurrent.TimeUnit;

/**
 * What the bridge measures of one video layer for the catalog, where gateways order layers and
 * choose one per viewer: the picture size of its keyframes (VP8: RFC 6386 9.1; 0 where unknown),
 * its bit rate, the temporal layers it carries (VP8's TID), and when its last keyframe came (for
 * the keyframe refresh). Reads each packet's payload header once, allocates nothing; written on
 * the media loop, the published values readable from any thread.
 */
final class LayerMeter implements Stage {
    /** The bit rate is measured over this window. */
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Vp8Descriptor vp8 = new Vp8Descriptor();
    private long windowStart = -1;
    private long windowBytes;
    private int windowMaxTid = -1;
    private volatile long bitrate;
    private volatile int width;
    private volatile int height;
    private volatile int temporalLayers;
    private long lastKeyframeNanos = -1;

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        if (windowStart < 0) {
            windowStart = nowNanos;
        }
        windowBytes += packet.length();
        boolean keyframe;
        if (track.codec() == Track.Codec.VP8
                && vp8.wrap(packet.buffer(), packet.payloadOffset(), packet.payloadLength())) {
            keyframe = vp8.keyframeStart();
            windowMaxTid = Math.max(windowMaxTid, vp8.temporalLayer());
            if (keyframe && vp8.keyframeWidth() > 0) {
                width = vp8.keyframeWidth();
                height = vp8.keyframeHeight();
            }
        } else {
            keyframe = track.codec() == Track.Codec.H264
                    && Keyframes.h264(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        }
        if (keyframe) {
            lastKeyframeNanos = nowNanos;
        }
        if (nowNanos - windowStart >= WINDOW_NANOS) {
            bitrate = windowBytes * 8 * 1_000_000_000L / (nowNanos - windowStart);
            temporalLayers = windowMaxTid + 1;
            windowStart = nowNanos;
            windowBytes = 0;
            windowMaxTid = -1;
        }
        return true;
    }

    @Override
    public void onSourceChanged(Track track, long nowNanos) {
        windowStart = -1;
        windowBytes = 0;
        windowMaxTid = -1;
        lastKeyframeNanos = -1;
    }

    /** Nanoseconds since the layer's last keyframe started, or -1 before one. Media loop. */
    long sinceKeyframe(long nowNanos) {
        return lastKeyframeNanos < 0 ? -1 : nowNanos - lastKeyframeNanos;
    }

    /** The layer's bit rate over the last window (RTP packets with headers), 0 before one. */
    long bitrate() {
        return bitrate;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Temporal layers seen in the last window (VP8 TID + 1); 0 when the packets carry none. */
    int temporalLayers() {
        return temporalLayers;
    }
}
