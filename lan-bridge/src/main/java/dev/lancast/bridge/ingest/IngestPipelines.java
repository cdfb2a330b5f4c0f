package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.ExtensionStripper;
import dev.lancast.rtc.media.IndexTracking;
import dev.lancast.rtc.media.NackGenerator;
import dev.lancast.rtc.media.PayloadTypeMap;
import dev.lancast.rtc.media.ReceiveStats;
import dev.lancast.rtc.media.Rewriting;
import dev.lancast.rtc.media.SenderReportTap;
import dev.lancast.rtc.media.Stage;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtp.LossDetector;
import dev.lancast.rtc.rtp.TrackRewriter;
import dev.lancast.rtc.sdp.CodecMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The bridge's media path for one broadcaster, per track, in the order each packet takes:
 * <pre>
 *   video: PT map -> NACK upstream -> reception (RR) -> strip extensions -> rewrite -> SR tap -> index -> group
 *   audio: PT map ->                  reception (RR) -> strip extensions -> rewrite -> SR tap -> index -> group
 * </pre>
 * Built on the media loop when a broadcaster takes over (its codecs and payload types are fixed
 * for its session); the rewriters and the packet indexes are the stream's, kept across
 * broadcasters so the multicast stream stays continuous. Audio is not NACKed: browsers do not
 * retransmit Opus.
 */
final class IngestPipelines {
    /** One sender, so no spreading delay: ask at once, again every 50 ms, 4 times. */
    private static final long NACK_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int NACK_ATTEMPTS = 4;

    /** By {@link Track.Kind} ordinal; null where the broadcaster sends no such track. */
    private final TrackPipeline[] pipelines;
    final NackGenerator videoNacks;

    private IngestPipelines(TrackPipeline[] pipelines, NackGenerator videoNacks) {
        this.pipelines = pipelines;
        this.videoNacks = videoNacks;
    }

    /**
     * @param out     the stream's rewriter of each kind
     * @param indexes the stream's packet index of each kind (the publisher's)
     */
    static IngestPipelines assemble(IngestCodecs codecs, Function<Track.Kind, TrackRewriter> out,
                                    Function<Track.Kind, IndexTracking> indexes, RandomGenerator random) {
        NackGenerator nacks = new NackGenerator(new LossDetector(1024, 0, NACK_RETRY_NANOS, NACK_ATTEMPTS, random));
        TrackPipeline[] pipelines = new TrackPipeline[Track.Kind.COUNT];
        for (Track.Kind kind : Track.Kind.values()) {
            CodecMatch codec = codecs.of(kind);
            if (codec == null) {
                continue;
            }
            TrackRewriter rewriter = out.apply(kind);
            SenderReportTap reports = new SenderReportTap(rewriter);
            List<Stage> stages = new ArrayList<>();
            stages.add(new PayloadTypeMap(codec.payloadType(), codecs.multicastPt(kind)));
            if (kind == Track.Kind.VIDEO) {
                stages.add(nacks);
            }
            stages.addAll(List.of(new ReceiveStats(reports), new ExtensionStripper(), new Rewriting(rewriter), reports,
                    indexes.apply(kind)));
            pipelines[kind.ordinal()] = new TrackPipeline(new Track(kind, rewriter.outSsrc(), kind.clockRate(),
                    codec.payloadType(), Track.Codec.of(codec.rtpMap().encoding()), null), stages.toArray(Stage[]::new));
        }
        return new IngestPipelines(pipelines, nacks);
    }

    /** The pipeline of packets with the broadcaster's payload type pt, or null: not a track of this session. */
    TrackPipeline forPayloadType(int pt) {
        for (TrackPipeline p : pipelines) {
            if (p != null && p.track().payloadType() == pt) {
                return p;
            }
        }
        return null;
    }

    /** The track of a kind, or null when the broadcaster sends none. */
    TrackPipeline of(Track.Kind kind) {
        return pipelines[kind.ordinal()];
    }

    /** Every pipeline the broadcaster has (for ticks, reports and sender reports). */
    TrackPipeline[] all() {
        return pipelines;
    }
}
