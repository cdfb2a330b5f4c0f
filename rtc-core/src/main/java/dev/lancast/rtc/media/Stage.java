package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;

/**
 * One job done to each packet of a track (Jitsi's nodes, pion's interceptors): a stage reads or
 * rewrites the packet in place and tells whether it goes on. Stages keep their state in
 * preallocated fields and allocate nothing per packet; the clock comes in as nowNanos, so every
 * stage is deterministic in a test. All methods run on the track's media loop.
 */
public interface Stage {
    /** One packet of the track, arrived at nowNanos; false drops it (later stages never see it). */
    boolean onRtp(Track track, RtpPacket packet, long nowNanos);

    /**
     * The track's source changed (a new SSRC: a new broadcaster, a restarted bridge): what was
     * learnt of the old one is forgotten. Called before the new source's first packet.
     */
    default void onSourceChanged(Track track, long nowNanos) {}

    /** The pipeline's short periodic duty (every few milliseconds): repairs due now. */
    default void onTick(Track track, long nowNanos, FeedbackPort out) {}

    /**
     * A sender report of the track's source (RFC 3550 6.4.1) arrived at nowNanos; true when this
     * stage took its NTP/RTP mapping (the pipeline then tells its owner so).
     */
    default boolean onSenderReport(Track track, long senderSsrc, long ntp, long rtpTimestamp, long nowNanos) {
        return false;
    }

    /** The report interval (seconds): receiver-report blocks. */
    default void onReport(Track track, long nowNanos, FeedbackPort out) {}
}
