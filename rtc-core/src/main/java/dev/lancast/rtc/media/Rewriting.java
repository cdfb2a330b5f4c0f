package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.TrackRewriter;

/**
 * Gives the track its one outgoing SSRC, sequence-number space and timeline, whatever its source
 * does ({@link TrackRewriter}: a new source continues the numbers). Stages after this one see the
 * packet in the outgoing numbering. A packet that would take a number already given (reordered
 * from before its source's first packet) is dropped here.
 */
public final class Rewriting implements Stage {
    private final TrackRewriter rewriter;

    public Rewriting(TrackRewriter rewriter) {
        this.rewriter = rewriter;
    }

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        return rewriter.rewrite(packet, nowNanos);
    }

    public TrackRewriter rewriter() {
        return rewriter;
    }
}
