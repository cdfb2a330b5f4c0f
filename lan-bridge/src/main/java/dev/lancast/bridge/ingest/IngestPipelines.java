package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.ExtensionStripper;
import dev.lancast.rtc.media.FeedbackPort;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.NackGenerator;
import dev.lancast.rtc.media.PayloadTypeMap;
import dev.lancast.rtc.media.ReceiveStats;
import dev.lancast.rtc.media.Rewriting;
import dev.lancast.rtc.media.SenderReportTap;
import dev.lancast.rtc.media.Stage;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtcp.TransportCcFeedback;
import dev.lancast.rtc.rtp.LossDetector;
import dev.lancast.rtc.rtp.TrackRewriter;
import dev.lancast.rtc.sdp.CodecMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * The bridge's media path for one broadcaster, per track slot (each simulcast video layer, and
 * audio), in the order each packet takes:
 * <pre>
 *   demux (PT; a layer by its SSRC, learnt from the RID) ->
 *   video layer: PT map -> NACK upstream -> reception (RR) -> measure -> strip extensions -> rewrite -> SR tap -> index -> group
 *   audio:       PT map ->                  reception (RR) ->            strip extensions -> rewrite -> SR tap -> index -> group
 * </pre>
 * Built on the media loop when a broadcaster takes over (its codecs, payload types and layers are
 * fixed for its session); the rewriters and the packet indexes are the stream's, kept across
 * broadcasters so the multicast stream stays continuous, and its video layers' rewriters share
 * one timeline. Audio is not NACKed: browsers do not retransmit Opus.
 */
final class IngestPipelines {
    /** One sender, so no spreading delay: ask at once, again every 50 ms, 4 times. */
    private static final long NACK_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final int NACK_ATTEMPTS = 4;

    /** By slot; null where the broadcaster sends no such track. */
    private final TrackPipeline[] pipelines;
    /** By slot: the video layers' loss stages and meters; null elsewhere. */
    private final NackGenerator[] nacks;

    private final LayerMeter[] meters;
    final IngestDemux demux;
    /** The session's transport-wide congestion feedback; null when not negotiated. */
    final TransportCcFeedback congestion;

    private IngestPipelines(
            TrackPipeline[] pipelines,
            NackGenerator[] nacks,
            LayerMeter[] meters,
            IngestDemux demux,
            TransportCcFeedback congestion) {
        this.pipelines = pipelines;
        this.nacks = nacks;
        this.meters = meters;
        this.demux = demux;
        this.congestion = congestion;
    }

    /**
     * @param out     the stream's rewriter of each slot
     * @param indexes the stream's packet index of each slot (the publisher's)
     */
    static IngestPipelines assemble(
            IngestCodecs codecs,
            IntFunction<TrackRewriter> out,
            IntFunction<IndexTracking> indexes,
            RandomGenerator random) {
        TrackPipeline[] pipelines = new TrackPipeline[Track.SLOTS];
        NackGenerator[] nacks = new NackGenerator[Track.SLOTS];
        LayerMeter[] meters = new LayerMeter[Track.SLOTS];
        for (int slot = 0; slot < Track.SLOTS; slot++) {
            if (!codecs.sends(slot)) {
                continue;
            }
            Track.Kind kind = Track.kindOfSlot(slot);
            CodecMatch codec = codecs.of(kind);
            TrackRewriter rewriter = out.apply(slot);
            SenderReportTap reports = new SenderReportTap(rewriter);
            List<Stage> stages = new ArrayList<>();
            stages.add(new PayloadTypeMap(codec.payloadType(), codecs.multicastPt(kind)));
            if (kind == Track.Kind.VIDEO) {
                nacks[slot] = new NackGenerator(new LossDetector(1024, 0, NACK_RETRY_NANOS, NACK_ATTEMPTS, random));
                stages.add(nacks[slot]);
            }
            stages.add(new ReceiveStats(reports));
            if (kind == Track.Kind.VIDEO) {
                meters[slot] = new LayerMeter();
                stages.add(meters[slot]);
            }
            stages.addAll(List.of(new ExtensionStripper(), new Rewriting(rewriter), reports, indexes.apply(slot)));
            pipelines[slot] = new TrackPipeline(
                    new Track(
                            kind,
                            rewriter.outSsrc(),
                            kind.clockRate(),
                            codec.payloadType(),
                            Track.Codec.of(codec.rtpMap().encoding()),
                            null,
                            Track.layerOfSlot(slot)),
                    stages.toArray(Stage[]::new));
        }
        TransportCcFeedback congestion = codecs.transportCcExtension() > 0 ? new TransportCcFeedback() : null;
        return new IngestPipelines(pipelines, nacks, meters, new IngestDemux(codecs, congestion), congestion);
    }

    /** The pipeline of a slot, or null when the broadcaster sends no such track. */
    TrackPipeline of(int slot) {
        return pipelines[slot];
    }

    /** The meter of a video layer, or null. */
    LayerMeter meter(int slot) {
        return meters[slot];
    }

    /** Every slot's pipeline, null where none (for ticks, reports and sender reports). */
    TrackPipeline[] all() {
        return pipelines;
    }

    /** Video packets missing from the broadcaster, over its layers. */
    long upstreamLost() {
        long lost = 0;
        for (NackGenerator n : nacks) {
            if (n != null) {
                lost += n.loss().lost();
            }
        }
        return lost;
    }

    /** Each video layer's NACKs due now go to the broadcaster. */
    void tickVideo(long nowNanos, FeedbackPort out) {
        for (int slot = 0; slot < Track.MAX_LAYERS; slot++) {
            if (pipelines[slot] != null) {
                pipelines[slot].tick(nowNanos, out);
            }
        }
    }
}
