package dev.lancast.gateway.relay;

import dev.lancast.rtc.counters.SingleWriterCounter;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.KeyframeMarker;
import dev.lancast.rtc.media.NackGenerator;
import dev.lancast.rtc.media.ReceiveStats;
import dev.lancast.rtc.media.Rewriting;
import dev.lancast.rtc.media.SenderReportTap;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtp.LossDetector;
import dev.lancast.rtc.rtp.Timeline;
import dev.lancast.rtc.rtp.TrackRewriter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One track at a gateway's relay, upstream of the viewers: its pipeline, in the order each
 * decrypted group packet takes it,
 * <pre>
 *   packet index -> loss/NACK to the bridge -> reception (RR to the bridge) -> viewers' numbering
 *     -> keyframe mark -> SR tap -> fan-out
 * </pre>
 * and the stages the relay asks things of (counters, the viewers' SSRC, the sender-report mapping).
 * Loss, repair and the reports to the bridge are in the bridge's numbers; what follows the
 * rewriting is in the viewers'. Made once per track for the relay's life (with the first catalog
 * entry that names it) on the media loop; a later entry changes only its {@link Track}.
 */
final class RelayTrack {
    /** First NACK 0-5 ms after a gap is seen (spread over gateways), then every 30 ms, 5 times. */
    private static final long NACK_SPREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private static final long NACK_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(30);
    private static final int NACK_ATTEMPTS = 5;

    final TrackPipeline pipeline;
    final NackGenerator nacks;
    final ReceiveStats reception;
    /** The viewers' SSRC and numbering of the track: the first entry's SSRC, kept for the relay's life. */
    final TrackRewriter viewers;

    final SenderReportTap senderReports;

    private RelayTrack(
            TrackPipeline pipeline,
            NackGenerator nacks,
            ReceiveStats reception,
            TrackRewriter viewers,
            SenderReportTap senderReports) {
        this.pipeline = pipeline;
        this.nacks = nacks;
        this.reception = reception;
        this.viewers = viewers;
        this.senderReports = senderReports;
    }

    /**
     * @param timeline the viewers' timeline of the track: the stream's video layers share one, so a
     *                 restarted bridge's layers stay on one timeline for the viewers switched between them
     */
    static RelayTrack assemble(
            Track track, IndexTracking index, Timeline timeline, TrackPipeline.SourceListener onNewSource) {
        NackGenerator nacks = new NackGenerator(new LossDetector(
                track.isVideo() ? 1024 : 256,
                NACK_SPREAD_NANOS,
                NACK_RETRY_NANOS,
                NACK_ATTEMPTS,
                ThreadLocalRandom.current()));
        ReceiveStats reception = new ReceiveStats();
        TrackRewriter viewers = new TrackRewriter(track.ssrc(), track.clockRate(), timeline);
        SenderReportTap senderReports = new SenderReportTap(viewers);
        TrackPipeline pipeline = new TrackPipeline(
                track,
                onNewSource,
                index,
                nacks,
                reception,
                new Rewriting(viewers),
                new KeyframeMarker(),
                senderReports);
        return new RelayTrack(pipeline, nacks, reception, viewers, senderReports);
    }

    /**
     * The tracks' loss stages count for themselves; their sums go to the stream's counters from the
     * loop that owns them (the stages only count up, and a track lives as long as its relay, so the
     * sums only go up too).
     */
    static void publishLoss(
            RelayTrack[] tracks,
            SingleWriterCounter lost,
            SingleWriterCounter repaired,
            SingleWriterCounter unrecovered,
            SingleWriterCounter nacked) {
        long l = 0;
        long r = 0;
        long u = 0;
        long n = 0;
        for (RelayTrack t : tracks) {
            if (t != null) {
                l += t.nacks.loss().lost();
                r += t.nacks.loss().repaired();
                u += t.nacks.loss().unrecovered();
                n += t.nacks.loss().nacksRequested();
            }
        }
        lost.set(l);
        repaired.set(r);
        unrecovered.set(u);
        nacked.set(n);
    }
}
