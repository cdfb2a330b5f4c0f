package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.srtp.PacketIndex;

/**
 * The highest SRTP packet index (ROC and sequence number) known of the track's source: from the
 * packets authenticated here and from the index the bridge publishes with its keys. An SRTP
 * context made for a key mid-stream starts at the rollover counter this gives
 * ({@link #rolloverCounter}). A source with a new SSRC starts a new count. Written on the track's
 * media loop; {@link #ssrc()} and {@link #highest()} may be read from any thread (the bridge
 * publishes them with its keys).
 */
public final class IndexTracking implements Stage {
    private volatile PacketIndex.Tracker tracker = new PacketIndex.Tracker();
    private volatile long ssrc = -1;

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        trackerOf(packet.ssrc()).update(packet.sequenceNumber());
        return true;
    }

    /** The bridge's published index of ssrc: the count moves on to it if it is newer. */
    public void advanceTo(long publishedSsrc, long index) {
        trackerOf(publishedSsrc).advanceTo(index);
    }

    private PacketIndex.Tracker trackerOf(long next) {
        if (next != ssrc) {
            tracker = new PacketIndex.Tracker(); // once per new source
            ssrc = next;
        }
        return tracker;
    }

    /** The SSRC counted, or -1. */
    public long ssrc() {
        return ssrc;
    }

    /** The highest index known, or {@link PacketIndex#UNKNOWN}. */
    public long highest() {
        return tracker.highest();
    }

    /** The rollover counter a new context for packet seq of the counted source starts at. */
    public int rolloverCounter(int seq) {
        return (int) PacketIndex.roc(PacketIndex.estimate(tracker.highest(), seq));
    }
}
