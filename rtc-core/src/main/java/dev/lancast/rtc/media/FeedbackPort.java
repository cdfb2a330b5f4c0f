package dev.lancast.rtc.media;

import dev.lancast.rtc.rtcp.ReportBlock;

/**
 * Where a track's stages send their feedback upstream: at the bridge to the broadcaster's session,
 * at a gateway by unicast to the bridge. mediaSsrc is the source's SSRC as the upstream sender
 * knows it. A recording fake in the stages' tests.
 */
public interface FeedbackPort {
    /** Asks for the first count sequence numbers of seqs again (RFC 4585 generic NACK). */
    void nack(Track track, long mediaSsrc, int[] seqs, int count);

    /** Asks for a keyframe (RFC 4585 PLI). */
    void keyframeRequest(Track track, long mediaSsrc);

    /** One receiver-report block (RFC 3550 6.4); the port sends the blocks of a report interval together. */
    void reportBlock(Track track, ReportBlock block);
}
