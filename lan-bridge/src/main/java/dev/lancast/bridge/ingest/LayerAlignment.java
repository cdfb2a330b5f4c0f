package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.rtp.TrackRewriter;

/**
 * Puts a simulcast broadcaster's video layers on one RTP timeline exactly, so that a gateway can
 * switch a viewer between layers with no sender report to wait for (mediasoup waits for one on the
 * target layer before it switches). Each layer's first packet was placed on the stream's timeline
 * by its arrival (a few milliseconds off); its sender reports, all on the broadcaster's one NTP
 * clock, tell the exact offset against the first layer that reported: frames captured at one
 * instant then carry one timestamp in every layer. A layer is placed once (a later report moves it
 * only if it disagrees by more than {@value #REPLACE_TICKS} ticks: the encoder restarted it, say),
 * from its next frame on; a report's rounding moves nothing. A correction larger than half a
 * second is not believed. One broadcaster session, the media loop.
 */
final class LayerAlignment {
    /** A correction this large is a broken report, not arrival jitter: it is not applied. */
    private static final long MAX_CORRECTION_TICKS = Track.Kind.VIDEO.clockRate() / 2;
    /** Once placed, a layer moves again only for a larger disagreement than this (1 ms). */
    static final long REPLACE_TICKS = 90;

    private final boolean[] placed = new boolean[Track.MAX_LAYERS];

    private final long[] ntp = new long[Track.MAX_LAYERS];
    private final long[] rtp = new long[Track.MAX_LAYERS];
    private int reference = -1;
    private long corrections;

    /**
     * A sender report of a video layer's source (ntp/rtpTimestamp as it sent them), once its
     * rewriter has placed the source; true when the layer's offset was corrected.
     */
    boolean onSenderReport(int layer, long ntpTimestamp, long rtpTimestamp, TrackRewriter[] rewriters) {
        ntp[layer] = ntpTimestamp;
        rtp[layer] = rtpTimestamp;
        if (reference < 0) {
            reference = layer;
        }
        if (layer == reference) {
            return false;
        }
        TrackRewriter ref = rewriters[reference];
        long ticks = Math.round((ntpTimestamp - ntp[reference]) / 4294967296.0 * Track.Kind.VIDEO.clockRate());
        long desired = (rtp[reference] + ticks + ref.timestampOffset() - rtpTimestamp) & 0xFFFFFFFFL;
        long current = rewriters[layer].nextTimestampOffset();
        long correction = (int) (desired - current); // signed 32-bit distance
        if (correction == 0
                || Math.abs(correction) > MAX_CORRECTION_TICKS
                || (placed[layer] && Math.abs(correction) <= REPLACE_TICKS)) {
            return false;
        }
        rewriters[layer].useTimestampOffset(desired);
        placed[layer] = true;
        corrections++;
        return true;
    }

    /** Offsets corrected so far (for tests and the log). */
    long corrections() {
        return corrections;
    }
}
