package dev.lancast.rtc.media;

import dev.lancast.rtc.rtp.LossDetector;
import dev.lancast.rtc.rtp.RtpPacket;

/**
 * Finds the gaps in a track's sequence numbers and asks upstream for the missing packets: the
 * {@link LossDetector} decides when (its first delay and random generator are the caller's, so
 * many gateways missing one packet do not all ask at once, and a test decides the draw); each tick
 * sends the sequence numbers due as one NACK. A new source starts the detection again (its open
 * gaps count as unrecovered).
 */
public final class NackGenerator implements Stage {
    private final LossDetector loss;
    private final int[] due = new int[64];
    private long sourceSsrc = -1;

    public NackGenerator(LossDetector loss) {
        this.loss = loss;
    }

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        sourceSsrc = packet.ssrc();
        loss.onPacket(packet.sequenceNumber(), nowNanos);
        return true;
    }

    @Override
    public void onSourceChanged(Track track, long nowNanos) {
        loss.restart();
    }

    @Override
    public void onTick(Track track, long nowNanos, FeedbackPort out) {
        int n = loss.collectDue(nowNanos, due);
        if (n > 0) {
            out.nack(track, sourceSsrc, due, n);
        }
    }

    /** The loss counters (lost, repaired, unrecovered, NACKed). */
    public LossDetector loss() {
        return loss;
    }
}
