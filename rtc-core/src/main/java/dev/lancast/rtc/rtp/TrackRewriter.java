package dev.lancast.rtc.rtp;

/**
 * Keeps one outgoing SSRC, sequence-number space and timeline per track, whatever the source
 * does: when the incoming SSRC changes (at the bridge a reconnect or a new WHIP session; at a
 * gateway a restarted bridge), or the owner says the source changed ({@link #forceRebase}: a new
 * session that kept its SSRC), the next packet continues the sequence numbers and advances the
 * timestamp by the wall-clock time that passed, so gateways and viewers see one continuous stream.
 *
 * <p>An outgoing number is given one content: a packet of the current source older than the
 * source's first packet (reordered across the rebase) would map onto numbers the previous source
 * used, so it is refused ({@link #rewrite} returns false) rather than renumbered.
 */
public final class TrackRewriter {
    private final long outSsrc;
    private long inSsrc = -1;
    /** The current source's first and highest sequence numbers, as counts that do not wrap ({@link SequenceNumbers#extend}). */
    private long firstIn;

    private long highestIn;
    private boolean rebaseNext;
    private int seqOffset;
    private long tsOffset;
    /** An offset to take at the next frame (a new timestamp), so no frame's packets get two; -1: none. */
    private long pendingTsOffset = -1;

    private long lastInTs = -1;
    private int lastOutSeq;
    private final Timeline timeline;
    private boolean started;
    private final boolean firstAsIs;
    /** Where a fresh timeline starts (-1: at the first packet's own timestamp). */
    private final long initialTs;

    private long packets;
    private long octets;

    /** The first packet goes out with initialSeq and initialTs. */
    public TrackRewriter(long outSsrc, int clockRate, int initialSeq, long initialTs) {
        this(outSsrc, clockRate, initialSeq, initialTs, new Timeline(clockRate));
    }

    /**
     * Numbers from initialSeq on a timeline shared with other rewriters (a stream's video layers):
     * the first packet on the timeline goes out with initialTs, every later source (this rewriter's
     * first included) continues the timeline.
     */
    public TrackRewriter(long outSsrc, int clockRate, int initialSeq, long initialTs, Timeline timeline) {
        this.outSsrc = outSsrc;
        this.lastOutSeq = (initialSeq - 1) & 0xFFFF;
        this.timeline = timeline;
        this.initialTs = initialTs & 0xFFFFFFFFL;
        this.firstAsIs = false;
    }

    /** The first source's numbers and timestamps go out as they are; later sources continue them. */
    public TrackRewriter(long outSsrc, int clockRate) {
        this(outSsrc, clockRate, new Timeline(clockRate));
    }

    /**
     * As {@link #TrackRewriter(long, int)}, on a timeline shared with other rewriters: the first
     * packet on the timeline goes out as it is; every later source continues the timeline.
     */
    public TrackRewriter(long outSsrc, int clockRate, Timeline timeline) {
        this.outSsrc = outSsrc;
        this.timeline = timeline;
        this.initialTs = -1;
        this.firstAsIs = true;
    }

    public long outSsrc() {
        return outSsrc;
    }

    /**
     * Rewrites the packet in place (nowNanos is the arrival time); false, untouched, for a packet
     * of the current source from before its first one.
     */
    public boolean rewrite(RtpPacket packet, long nowNanos) {
        if (packet.ssrc() != inSsrc || rebaseNext) {
            rebase(packet, nowNanos);
        } else {
            long in = SequenceNumbers.extend(highestIn, packet.sequenceNumber());
            if (in < firstIn) {
                return false;
            }
            highestIn = Math.max(highestIn, in);
        }
        if (pendingTsOffset >= 0 && packet.timestamp() != lastInTs) {
            tsOffset = pendingTsOffset;
            pendingTsOffset = -1;
        }
        lastInTs = packet.timestamp();
        int outSeq = (packet.sequenceNumber() + seqOffset) & 0xFFFF;
        long outTs = (packet.timestamp() + tsOffset) & 0xFFFFFFFFL;
        packet.setSsrc(outSsrc);
        packet.setSequenceNumber(outSeq);
        packet.setTimestamp(outTs);
        if (((outSeq - lastOutSeq) & 0xFFFF) < 0x8000) {
            lastOutSeq = outSeq;
            timeline.gaveOut(outTs, nowNanos);
        }
        packets++;
        octets += packet.payloadLength();
        return true;
    }

    /** The next packet starts a new source even if its SSRC is the last one's (a new session that kept it). */
    public void forceRebase() {
        rebaseNext = started;
    }

    /** The outgoing timestamp for an incoming one (for sender reports); -1 before the first packet. */
    public long translateTimestamp(long inTs) {
        return started ? (inTs + tsOffset) & 0xFFFFFFFFL : -1;
    }

    public long inSsrc() {
        return inSsrc;
    }

    /** The offset from the current source's timestamps to the outgoing ones (0 before the first packet). */
    public long timestampOffset() {
        return tsOffset;
    }

    /**
     * Places the current source's timestamps exactly (its sender report against another layer's,
     * at the bridge) where its first packet was placed by its arrival: from the next frame on (the
     * next packet with a new timestamp), so the packets of one frame keep one timestamp.
     */
    public void useTimestampOffset(long offset) {
        pendingTsOffset = offset & 0xFFFFFFFFL;
    }

    /** The offset the next frame will take: a pending one, else the current. */
    public long nextTimestampOffset() {
        return pendingTsOffset >= 0 ? pendingTsOffset : tsOffset;
    }

    public long packets() {
        return packets;
    }

    public long octets() {
        return octets;
    }

    private void rebase(RtpPacket packet, long nowNanos) {
        rebaseNext = false;
        pendingTsOffset = -1;
        firstIn = 0x10000 | packet.sequenceNumber();
        highestIn = firstIn;
        if (!started && firstAsIs) {
            lastOutSeq = (packet.sequenceNumber() - 1) & 0xFFFF;
        } else {
            seqOffset = (lastOutSeq + 1 - packet.sequenceNumber()) & 0xFFFF;
        }
        if (!timeline.started()) {
            timeline.start(firstAsIs ? packet.timestamp() : initialTs, nowNanos);
            tsOffset = firstAsIs ? 0 : (initialTs - packet.timestamp()) & 0xFFFFFFFFL;
        } else {
            tsOffset = timeline.offsetFor(packet.timestamp(), nowNanos);
        }
        inSsrc = packet.ssrc();
        started = true;
    }
}
