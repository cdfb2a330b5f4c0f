package dev.lancast.rtc.media;

import dev.lancast.rtc.rtcp.ReportBlock;
import dev.lancast.rtc.rtp.RtpPacket;
import dev.lancast.rtc.rtp.RtpReceiveStatistics;

/**
 * The reception of a track as RFC 3550 appendix A counts it ({@link RtpReceiveStatistics}), sent
 * upstream as one receiver-report block per report interval once the source has sent anything.
 * With a {@link SenderReportTap}, the block carries LSR and DLSR of the source's last sender
 * report, so the sender can measure the round trip; without one both are 0. A new source starts
 * the statistics again.
 */
public final class ReceiveStats implements Stage {
    private final SenderReportTap senderReports;
    private RtpReceiveStatistics stats = new RtpReceiveStatistics();
    private long sourceSsrc = -1;

    /** @param senderReports the source's sender reports, for LSR/DLSR; null for none */
    public ReceiveStats(SenderReportTap senderReports) {
        this.senderReports = senderReports;
    }

    public ReceiveStats() {
        this(null);
    }

    @Override
    public boolean onRtp(Track track, RtpPacket packet, long nowNanos) {
        sourceSsrc = packet.ssrc();
        stats.update(packet.sequenceNumber(), packet.timestamp(), nowNanos / 1000 * track.clockRate() / 1_000_000);
        return true;
    }

    @Override
    public void onSourceChanged(Track track, long nowNanos) {
        stats = new RtpReceiveStatistics(); // once per new source, not per packet
    }

    @Override
    public void onReport(Track track, long nowNanos, FeedbackPort out) {
        if (stats.packetsReceived() == 0) {
            return;
        }
        long lsr = senderReports == null ? -1 : senderReports.lsr();
        long dlsr = lsr < 0 ? 0 : senderReports.dlsr(nowNanos);
        out.reportBlock(
                track,
                new ReportBlock(
                        sourceSsrc,
                        stats.fractionLostAndReset(),
                        stats.cumulativeLost(),
                        stats.extendedHighestSeq(),
                        stats.jitter(),
                        lsr < 0 ? 0 : lsr,
                        dlsr));
    }

    public long packetsReceived() {
        return stats.packetsReceived();
    }
}
