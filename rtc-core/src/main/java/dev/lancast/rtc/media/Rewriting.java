package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;

/**
 * Gives the track its one outgoing SSRC, sequence-number space and timeline, whatever its source
 * does ({@link TrackRewriter}: a new source continues the numbers). Stages after this one see the
 * packet in the outgoing numbering.
 */
public final class Rewriting implements Stage {
    private final TrackRewriter rewriter;

    public Rewriting(TrackRewriter rewriter) {
        this.rewriter = rewriter;
    }

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        rewriter.rewrite(packet, nowNanos);
        return true;
    }

    public TrackRewriter rewriter() {
        return rewriter;
    }
}
