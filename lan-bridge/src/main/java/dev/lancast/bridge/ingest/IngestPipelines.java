package dev.lancast.bridge.ingest;

import dev.lancast.rtc.media.ExtensionStripper;
import dev.lancast.rtc.media.NackGenerator;
import dev.lancast.rtc.media.PayloadTypeMap;
import dev.lancast.rtc.media.ReceiveStats;
import dev.lancast.rtc.media.Rewriting;
import dev.lancast.rtc.media.SenderReportTap;
import dev.lancast.rtc.media.Track;
import dev.lancast.rtc.media.TrackPipeline;
import dev.lancast.rtc.rtp.LossDetector;
import dev.lancast.rtc.rtp.TrackRewriter;
import dev.lancast.rtc.sdp.CodecMatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The bridge's media path for one broadcaster, per track, in the order each packet takes:
 * <pre>
 *   video: PT map -> NACK upstream -> reception (RR) -> strip extensions -> rewrite -> SR tap -> group
 *   audio: PT map ->                  reception (RR) -> strip extensions -> rewrite -> SR tap -> group
 * </pre>
 * Built on the media loop when a broadcaster takes over (its codecs and payload types are fixed
 * for its session); the rewriters are the stream's, kept across broadcasters so the multicast
 * stream stays continuous. Audio is not NACKed: browsers do not retransmit Opus.
 */
final class IngestPipelines {
    /** One sender, so no spreading delay: ask at once, again every 50 ms, 4 times. */
    private static final long NACK_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int NACK_ATTEMPTS = 4;

    /** Null when the broadcaster sends no such track. */
    final TrackPipeline video;
    final TrackPipeline audio;
    final NackGenerator videoNacks;
    final SenderReportTap videoReports;
    final SenderReportTap audioReports;

    private IngestPipelines(TrackPipeline video, TrackPipeline audio, NackGenerator videoNacks,
                            SenderReportTap videoReports, SenderReportTap audioReports) {
        this.video = video;
        this.audio = audio;
        this.videoNacks = videoNacks;
        this.videoReports = videoReports;
        this.audioReports = audioReports;
    }

    static IngestPipelines assemble(IngestCodecs codecs, TrackRewriter videoOut, TrackRewriter audioOut,
                                    RandomGenerator random) {
        CodecMatch v = codecs.video();
        CodecMatch a = codecs.audio();
        NackGenerator nacks = new NackGenerator(new LossDetector(1024, 0, NACK_RETRY_NANOS, NACK_ATTEMPTS, random));
        SenderReportTap videoSr = new SenderReportTap(videoOut);
        SenderReportTap audioSr = new SenderReportTap(audioOut);
        TrackPipeline video = v == null ? null : new TrackPipeline(track(Track.Kind.VIDEO, v, videoOut, 90000),
                new PayloadTypeMap(v.payloadType(), codecs.multicastVideoPt()),
                nacks,
                new ReceiveStats(videoSr),
                new ExtensionStripper(),
                new Rewriting(videoOut),
                videoSr);
        TrackPipeline audio = a == null ? null : new TrackPipeline(track(Track.Kind.AUDIO, a, audioOut, 48000),
                new PayloadTypeMap(a.payloadType(), IngestCodecs.MULTICAST_PT_OPUS),
                new ReceiveStats(audioSr),
                new ExtensionStripper(),
                new Rewriting(audioOut),
                audioSr);
        return new IngestPipelines(video, audio, nacks, videoSr, audioSr);
    }

    private static Track track(Track.Kind kind, CodecMatch codec, TrackRewriter out, int clockRate) {
        return new Track(kind, out.outSsrc(), clockRate, codec.payloadType(), Track.Codec.of(codec.rtpMap().encoding()),
                null);
    }

    /** The pipeline of packets with the broadcaster's payload type pt, or null: not a track of this session. */
    TrackPipeline forPayloadType(int pt) {
        if (video != null && pt == video.track().payloadType()) {
            return video;
        }
        if (audio != null && pt == audio.track().payloadType()) {
            return audio;
        }
        return null;
    }
}
